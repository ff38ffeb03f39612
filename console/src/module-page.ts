/**
 * A module's page: its state and manifest, what keeps it running (`why` chains drawn as
 * paths from a root user down to it), its users with holder and kind (weak canuse holds
 * marked: they make no chain and no dependent), its dependencies with where each was declared
 * and its canuse with what each resolves to and whether it holds it, its dependents, what it
 * provides with the competing providers, and the actions its viewer's role allows.
 */
import type { DependencyInfo, GraphEdge, ModuleDetail, ProviderInfo, UserInfo, WhyChain } from '../../src/core/types.js';
import { ACTION_ROLES, type ActionDialog, type ActionKind, moduleAction, releaseAction } from './actions.js';
import { type Api, ApiError, modulePath } from './api.js';
import { h } from './dom.js';
import { type Role, roleIncludes } from './types.js';

function moduleLink(name: string): HTMLAnchorElement {
  return h('a', { class: 'mod', href: `#/modules/${name}` }, name);
}

function origin(o: { file: string; line?: number | undefined } | undefined): string {
  if (!o) return '';
  return o.line === undefined ? o.file : `${o.file}:${o.line}`;
}

function badge(text: string, cls: string, title?: string): HTMLSpanElement {
  return h('span', { class: `badge ${cls}`, title }, text);
}

function section(title: string, count: number | null, ...body: Array<Node | null>): HTMLElement {
  return h('section', { class: 'mp-section' }, h('h3', null, title, count === null ? null : h('span', { class: 'count' }, ` ${count}`)), ...body);
}

function table(head: string[], rows: HTMLTableRowElement[], cls: string): HTMLTableElement {
  return h('table', { class: cls }, h('thead', null, h('tr', null, ...head.map((t) => h('th', null, t)))), h('tbody', null, ...rows));
}

function chainView(chain: WhyChain): HTMLLIElement {
  const root = chain.root;
  const parts: Node[] = [
    h(
      'span',
      { class: `chip root kind-${root.kind}`, title: root.reason ?? '' },
      `${root.kind}: ${root.holder}`,
      root.origin ? h('span', { class: 'muted' }, ` ${origin(root.origin)}`) : null,
    ),
  ];
  for (const name of chain.path) parts.push(h('span', { class: 'arrow' }, '→'), h('span', { class: 'chip' }, moduleLink(name)));
  return h('li', { class: 'chain' }, ...parts);
}

/** The first chains, and a button for the rest when there are many (a hub has one per user). */
function chainList(chains: readonly WhyChain[], first = 8): HTMLElement {
  const list = h('ol', { class: 'chains' }, ...chains.slice(0, first).map(chainView));
  if (chains.length <= first) return list;
  const more = h('button', { type: 'button', class: 'small more' }, `show all ${chains.length} chains`);
  more.addEventListener('click', () => {
    list.replaceChildren(...chains.map(chainView));
    more.remove();
  });
  return h('div', null, list, more);
}

export interface ModulePageHost {
  api: Api;
  actions: ActionDialog;
  /** The graph's edges as the page knows them (what each canuse resolves to). */
  edges(): readonly GraphEdge[];
  role(): Role;
  /** The holder name offered for a new external hold. */
  holder(): string;
  /** What the pane shows while no module is chosen. */
  overview(): Node;
}

export class ModulePanel {
  private name: string | null = null;
  private generation = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly page: ModulePageHost,
  ) {
    this.empty();
  }

  get current(): string | null {
    return this.name;
  }

  async show(name: string | null): Promise<void> {
    this.name = name;
    if (name === null) return this.empty();
    await this.refresh();
  }

  /** Fetches and draws the current module again (after events about it). */
  async refresh(): Promise<void> {
    const name = this.name;
    if (name === null) return;
    const generation = ++this.generation;
    try {
      const { api } = this.page;
      const [detail, why, providers, held] = await Promise.all([
        api.get<ModuleDetail>(modulePath(name)),
        api.get<{ chains: WhyChain[] }>(modulePath(name, '/why')),
        api.get<{ providers: ProviderInfo[] }>('/providers'),
        api.get<{ users: UserInfo[] }>(`/users?kind=module&holder=${encodeURIComponent(name)}`),
      ]);
      if (generation !== this.generation) return;
      this.draw(detail, why.chains, providers.providers, held.users);
    } catch (err) {
      if (generation !== this.generation) return;
      const text = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
      this.host.replaceChildren(h('div', { class: 'module-page', 'data-module': name }, h('h2', null, name), h('p', { class: 'error' }, text)));
    }
  }

  /** Shows the overview; again when it may have changed (no module chosen). */
  empty(): void {
    if (this.name !== null) return;
    this.host.replaceChildren(
      h(
        'div',
        { class: 'module-page empty' },
        h('p', { class: 'muted' }, 'Click a module in the graph (or type its name in the filter) to see what it is, who holds it and why it runs.'),
        this.page.overview(),
      ),
    );
  }

  /** `held`: the module users this module holds (of other modules). */
  private draw(m: ModuleDetail, chains: WhyChain[], providers: ProviderInfo[], held: UserInfo[]): void {
    const running = m.state === 'running';
    const pendingIds = new Set(m.pending.map((u) => u.id));
    const weakHolders = [...new Set(m.users.filter((u) => u.weak).map((u) => u.holder))];
    const canuse = m.manifest.canuse.map((ref) => {
      const edge = this.page.edges().find((e) => e.from === m.name && e.kind === 'canuse' && e.type === ref.type && e.name === ref.name);
      const provider = edge?.to ?? null;
      return { ...ref, provider, hold: provider === null ? undefined : held.find((u) => u.module === provider && u.owner === m.name) };
    });
    const page = h(
      'div',
      { class: 'module-page', 'data-module': m.name, 'data-state': m.state },
      h(
        'header',
        null,
        h('h2', null, m.name, ' ', badge(m.state, `state state-${m.state}`), m.stale ? badge('stale', 'stale', 'runs an older binary than the one on disk: unload and load it to run the new one (a reload only re-reads its config)') : null),
        m.description ? h('p', { class: 'description' }, m.description) : null,
        h(
          'p',
          { class: 'meta' },
          [
            m.support_level ?? 'no support level',
            m.manifest.load_priority ? `load_priority=${m.manifest.load_priority}` : null,
            `${m.use_count} user${m.use_count === 1 ? '' : 's'}`,
            !m.lib_loaded ? 'lib not loaded' : !m.blocked ? 'lib loaded' : running ? 'lib loaded (kept after it stops: block_unload)' : 'lib kept loaded (block_unload)',
            m.checksum_ok === null ? 'checksum not verified' : m.checksum_ok ? 'checksum ok' : 'checksum MISMATCH',
          ]
            .filter(Boolean)
            .join(' · '),
        ),
        m.reason ? h('p', { class: 'reason' }, `Why the last load did not succeed: ${m.reason}`) : null,
      ),
      this.actionBar(m),
      section(
        'Why it runs',
        chains.length || null,
        chains.length
          ? chainList(chains)
          : h('p', { class: 'muted' }, running ? 'Nothing holds it as a root: it stops with its last user.' : 'It is not running.'),
        weakHolders.length
          ? h(
              'p',
              { class: 'weak-note muted' },
              ...weakHolders.flatMap((holder, i) => [i ? ', ' : '', moduleLink(holder)]),
              ` ${weakHolders.length === 1 ? 'holds' : 'hold'} it only weakly (it can use it, SPEC 6.9): that never keeps it running, so it is no chain here and no dependent.`,
            )
          : null,
      ),
      section(
        'Users',
        m.users.length,
        m.users.length ? this.usersTable(m.users, pendingIds) : h('p', { class: 'muted' }, 'No users.'),
      ),
      section(
        'Dependencies',
        m.dependencies.length,
        m.dependencies.length || canuse.length
          ? table(['uses', 'resolved to', 'user kind', 'declared in'], [...m.dependencies.map(dependencyRow), ...canuse.map((c) => canuseRow(c, running))], 'deps')
          : h('p', { class: 'muted' }, 'None.'),
      ),
      section('Dependents', m.dependents.length, m.dependents.length ? h('p', { class: 'links' }, ...m.dependents.flatMap((d, i) => [i ? ' ' : '', moduleLink(d)])) : h('p', { class: 'muted' }, 'None.')),
      section(
        'Provides',
        m.provides.length,
        m.provides.length ? table(['provides', 'priority', 'registered', 'candidates (best first)'], m.provides.map((p) => provideRow(p, providers)), 'provides') : h('p', { class: 'muted' }, `Only module=${m.name}.`),
      ),
      section(
        'Manifest',
        null,
        h(
          'dl',
          { class: 'manifest' },
          ...[
            ['checksum', m.manifest.checksum],
            ['support_level', m.manifest.support_level ?? '—'],
            ['load_priority', m.manifest.load_priority ?? 'default'],
            ['export_globals', m.manifest.export_globals ? 'yes' : 'no'],
            ['config', m.manifest.config.join(', ') || '—'],
            ['uses', m.manifest.uses.map((r) => `${r.type}=${r.name}`).join(', ') || '—'],
            ['canuse', m.manifest.canuse.map((r) => `${r.type}=${r.name}`).join(', ') || '—'],
          ].flatMap(([k, v]) => [h('dt', null, k!), h('dd', null, v!)]),
        ),
      ),
    );
    this.host.replaceChildren(page);
  }

  private actionBar(m: ModuleDetail): HTMLElement | null {
    const role = this.page.role();
    const allowed = (kind: ActionKind): boolean => roleIncludes(role, ACTION_ROLES[kind]);
    const { actions } = this.page;
    const buttons: HTMLButtonElement[] = [];
    const add = (kind: ActionKind, label: string, onclick: () => void, cls = ''): void => {
      if (allowed(kind)) buttons.push(h('button', { type: 'button', class: `action ${cls}`, 'data-action': kind, onclick }, label));
    };
    // An unload of a module that does not run has nothing to do: its buttons are left out.
    const active = m.state === 'running' || m.state === 'loading' || m.state === 'unloading';
    add('load', 'Load', () => void actions.run(moduleAction('load', m.name)));
    if (active) add('unload', 'Unload', () => void actions.run(moduleAction('unload', m.name)));
    if (active) add('firm_unload', 'Firm unload', () => void actions.run(moduleAction('firm_unload', m.name)), 'danger');
    if (m.state === 'running') add('reload', 'Reload', () => void actions.run(moduleAction('reload', m.name)));
    add('hold', 'Hold…', () => actions.askHold(m.name, this.page.holder()));
    if (buttons.length === 0) return h('p', { class: 'actions read-only muted' }, `Read-only: your token (${role}) may look, not act.`);
    return h('div', { class: 'actions' }, ...buttons);
  }

  /** The users; the `for` column only when some user is held for a module other than its holder. */
  private usersTable(users: readonly UserInfo[], pending: ReadonlySet<string>): HTMLTableElement {
    const forColumn = users.some((u) => forOf(u) !== null);
    const head = ['kind', 'holder', ...(forColumn ? ['for'] : []), 'declared', 'since', ''];
    return table(head, users.map((u) => this.userRow(u, pending, forColumn)), 'users');
  }

  private userRow(u: UserInfo, pending: ReadonlySet<string>, forColumn: boolean): HTMLTableRowElement {
    const canRelease = u.kind === 'external' && roleIncludes(this.page.role(), ACTION_ROLES.release);
    return h(
      'tr',
      { 'data-user': u.id, 'data-kind': u.kind },
      h('td', null, badge(u.kind, `kind kind-${u.kind}`)),
      h(
        'td',
        null,
        // A module user's holder is a module: a link to it.
        u.kind === 'module' && u.owner === u.holder ? moduleLink(u.holder) : h('span', { class: 'holder' }, u.holder),
        u.weak ? badge('weak', 'weak', 'a canuse hold: it never keeps the module running on its own') : null,
        u.cancellable ? badge('cancellable', 'cancellable') : null,
        pending.has(u.id) ? badge('asked to go', 'pending', 'a firm unload asked this holder to let go') : null,
      ),
      forColumn ? h('td', null, forOf(u) ? moduleLink(forOf(u)!) : '') : null,
      h('td', { class: 'muted declared' }, origin(u.origin) || u.reason || ''),
      h('td', { class: 'muted', title: u.since }, u.since.slice(11, 19)),
      h('td', null, canRelease ? h('button', { type: 'button', class: 'small', 'data-action': 'release', onclick: () => void this.page.actions.run(releaseAction(u)) }, 'Release…') : null),
    );
  }
}

/** The module a user is held for, when it is not its holder (a dialplan step's pbx_config). */
function forOf(u: UserInfo): string | null {
  return u.owner && u.owner !== u.holder ? u.owner : null;
}

function dependencyRow(d: DependencyInfo): HTMLTableRowElement {
  return h(
    'tr',
    null,
    h('td', null, `${d.type}=${d.name}`),
    h('td', null, d.provider ? moduleLink(d.provider) : h('span', { class: 'error' }, 'unresolved')),
    h('td', null, d.user_kind),
    h('td', { class: 'muted' }, origin(d.origin)),
  );
}

/** A `[canuse]` line: what it resolves to and whether the module holds it now (weakly, SPEC 6.9). */
function canuseRow(c: { type: string; name: string; provider: string | null; hold: UserInfo | undefined }, running: boolean): HTMLTableRowElement {
  const held = c.hold
    ? c.hold.weak
      ? badge('weak', 'weak kind', 'taken with ctx.use: it never keeps the provider running')
      : h('span', null, c.hold.kind)
    : h('span', { class: 'muted' }, running ? 'not held' : '—');
  return h(
    'tr',
    { class: 'canuse', 'data-canuse': `${c.type}=${c.name}` },
    h('td', null, `${c.type}=${c.name}`, badge('canuse', 'canuse', 'optional: used when it runs, never loaded for it')),
    h('td', null, c.provider ? moduleLink(c.provider) : h('span', { class: 'muted' }, 'nothing provides it')),
    h('td', null, held),
    h('td', { class: 'muted' }, 'manifest'),
  );
}

function provideRow(p: { type: string; name: string; priority: number; registered: boolean }, all: ProviderInfo[]): HTMLTableRowElement {
  const candidates = all.filter((c) => c.type === p.type && c.name === p.name);
  return h(
    'tr',
    null,
    h('td', null, `${p.type}=${p.name}`),
    h('td', null, String(p.priority)),
    h('td', null, p.registered ? 'yes' : 'no'),
    h(
      'td',
      null,
      ...candidates.flatMap((c, i) => [i ? ', ' : '', moduleLink(c.module), ` ${c.priority}`, c.active ? badge('active', 'active') : null]),
    ),
  );
}
