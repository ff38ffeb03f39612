/**
 * The dependency graph as Graphviz DOT (`GET /graph?format=dot`): one node per module, filled
 * by state; one edge per dependency from the user to its provider, dashed for `canuse`,
 * labelled `type=name` unless it is a plain `module=` dependency.
 */
import type { Graph, ModuleState } from '../core/types.js';

const FILL: Record<ModuleState, string> = {
  available: 'white',
  loading: 'lightyellow',
  running: 'palegreen',
  unloading: 'lightyellow',
  stopped: 'lightgrey',
  failed: 'salmon',
  declined: 'lightpink',
};

/** A DOT identifier or label, quoted and escaped. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function graphToDot(graph: Graph): string {
  const lines = ['digraph modules {', '  rankdir=LR;', '  node [shape=box, style=filled, fontname="Helvetica"];'];
  for (const node of graph.nodes) {
    lines.push(`  ${quote(node.name)} [fillcolor=${FILL[node.state]}, tooltip=${quote(node.state)}];`);
  }
  for (const edge of graph.edges) {
    const attrs: string[] = [];
    if (!(edge.type === 'module' && edge.name === edge.to)) attrs.push(`label=${quote(`${edge.type}=${edge.name}`)}`);
    if (edge.kind === 'canuse') attrs.push('style=dashed');
    if (edge.user_kind !== 'module') attrs.push(`color=${edge.user_kind === 'dialplan' ? 'blue' : 'darkorange'}`);
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
