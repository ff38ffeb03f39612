/** What the module pane shows while no module is chosen. */
import { h } from './dom.js';
import type { Model } from './model.js';

/** The modules an operator should look at: failed, declined, stopped with a lib kept, stale. */
export function attention(model: Model): HTMLElement {
  const groups: Array<[string, string[]]> = [
    ['failed', []],
    ['declined', []],
    ['stopped', []],
    ['stale', []],
  ];
  for (const node of [...model.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const [state, names] of groups) if (node.state === state || (state === 'stale' && node.stale)) names.push(node.name);
  }
  const shown = groups.filter(([, names]) => names.length > 0);
  if (shown.length === 0) return h('p', { class: 'all-well' }, 'No module is failed, declined, stopped or stale.');
  return h(
    'div',
    { class: 'attention' },
    h('h3', null, 'Needs a look'),
    ...shown.map(([state, names]) =>
      h('p', null, h('span', { class: `badge state state-${state}` }, `${names.length} ${state}`), ' ', ...names.flatMap((n, i) => [i ? ', ' : '', h('a', { class: 'mod', href: `#/modules/${n}` }, n)])),
    ),
  );
}
