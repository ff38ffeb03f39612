/**
 * What the page knows of the loader: every module's state and stale flag, as the core says
 * them, and the edges. It is set from `GET /graph` and moved forward by the event stream;
 * events it cannot fully interpret (edges that change when a provider binds, a rescan, a stale
 * flag a load clears) are followed by a fresh `GET /graph`, so the picture converges on the
 * service's even when an event is not understood here.
 * No DOM: the same code runs under the unit tests.
 */
import type { Graph, GraphEdge, LoaderEvent, ModuleState } from '../../src/core/types.js';
import type { GraphNode } from './types.js';

/** The state a module is in right after this event, when the event says. */
export function stateAfter(event: LoaderEvent): ModuleState | undefined {
  switch (event.event) {
    case 'loading':
      return 'loading';
    case 'unloading':
      return 'unloading';
    case 'load':
    case 'unload':
      return event.state;
    case 'load_failed':
      return 'failed';
    case 'declined':
      return 'declined';
    default:
      return undefined;
  }
}

/** Events after which `GET /graph` may answer differently than the events alone say. */
const RESYNC_EVENTS = new Set<LoaderEvent['event']>([
  'load',
  'unload',
  'load_failed',
  'declined',
  'module_fault',
  'manifest_add',
  'manifest_change',
  'manifest_remove',
  'provider_register',
  'provider_unregister',
]);

export function needsResync(event: LoaderEvent): boolean {
  return RESYNC_EVENTS.has(event.event);
}

/** A key that changes exactly when the layout must (nodes or edges added or removed). */
export function structureKey(graph: { nodes: ReadonlyArray<{ name: string }>; edges: readonly GraphEdge[] }): string {
  const nodes = graph.nodes.map((n) => n.name).sort();
  const edges = graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}:${e.type}=${e.name}`).sort();
  return `${nodes.join(',')}|${edges.join(',')}`;
}

export interface Filter {
  /** Case-insensitive substring of the name; empty matches all. */
  text: string;
  /** States shown; `stale` stands for the stale flag. */
  states: ReadonlySet<string>;
}

export function matchesFilter(node: GraphNode, filter: Filter): boolean {
  if (filter.text && !node.name.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return filter.states.has(node.state) || (node.stale && filter.states.has('stale'));
}

/**
 * A module's family: itself, everything it uses or can use (transitively) and everything that
 * uses it (transitively). What the focus view draws for a chosen module. O(nodes + edges).
 */
export function family(name: string, edges: readonly GraphEdge[]): Set<string> {
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const e of edges) {
    down.set(e.from, [...(down.get(e.from) ?? []), e.to]);
    up.set(e.to, [...(up.get(e.to) ?? []), e.from]);
  }
  const found = new Set([name]);
  for (const next of [down, up]) {
    const seen = new Set([name]);
    const stack = [name];
    while (stack.length > 0) {
      for (const neighbour of next.get(stack.pop()!) ?? []) {
        if (seen.has(neighbour)) continue;
        seen.add(neighbour);
        found.add(neighbour);
        stack.push(neighbour);
      }
    }
  }
  return found;
}

export class Model {
  readonly nodes = new Map<string, GraphNode>();
  edges: GraphEdge[] = [];
  private key = '';

  /** The {@link structureKey} of the graph now. */
  get structure(): string {
    return this.key;
  }

  /** Replaces everything with a `GET /graph` answer; true when the structure changed. */
  setGraph(graph: Graph): boolean {
    this.nodes.clear();
    for (const node of graph.nodes) this.nodes.set(node.name, { ...node });
    this.edges = graph.edges;
    const key = structureKey(graph);
    const changed = key !== this.key;
    this.key = key;
    return changed;
  }

  /** Applies one event; answers the module whose node changed, if any. */
  apply(event: LoaderEvent): string | undefined {
    if (event.module === undefined) return undefined;
    const node = this.nodes.get(event.module);
    if (!node) return undefined;
    const state = stateAfter(event);
    let changed = false;
    if (state !== undefined && state !== node.state) {
      node.state = state;
      changed = true;
    }
    // A rescan says `stale` itself; anything else that changes it (a load, an unload) is
    // followed by a fresh `GET /graph`, where the core says it.
    if (event.event === 'manifest_change' && event.stale !== node.stale) {
      node.stale = event.stale;
      changed = true;
    }
    return changed ? node.name : undefined;
  }

  /** How many modules are in each state (the header's counts). */
  counts(): Map<ModuleState, number> {
    const counts = new Map<ModuleState, number>();
    for (const node of this.nodes.values()) counts.set(node.state, (counts.get(node.state) ?? 0) + 1);
    return counts;
  }
}
