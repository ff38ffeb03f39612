/**
 * Deterministic topological order (SPEC 6.6): dependencies first; among the modules ready at
 * the same time, the lowest rank first (rank = position by `load_priority`, then name, computed
 * once per module set by {@link rankModules}). Kahn's algorithm with a heap of ranks:
 * O(V log V + E) for V nodes and E edges of the subgraph.
 */
import { LOAD_PRIORITIES, type LoadPriority } from '../manifest.js';
import { KeyedHeap } from './heap.js';
import { compareNames } from './providers.js';

const PRIORITY_INDEX = new Map<string, number>(LOAD_PRIORITIES.map((p, i) => [p, i]));
const DEFAULT_INDEX = PRIORITY_INDEX.get('default')!;

/** Sorts modules by (load_priority, name) and returns each one's rank. O(V log V). */
export function rankModules(modules: Iterable<{ name: string; load_priority?: LoadPriority | undefined }>): Map<string, number> {
  const list = [...modules].map((m) => ({ name: m.name, p: PRIORITY_INDEX.get(m.load_priority ?? 'default') ?? DEFAULT_INDEX }));
  list.sort((a, b) => a.p - b.p || compareNames(a.name, b.name));
  return new Map(list.map((m, i) => [m.name, i]));
}

/** Directed edges between dense node indices, in growable typed arrays. */
export class EdgeList {
  from = new Int32Array(64);
  to = new Int32Array(64);
  size = 0;

  add(from: number, to: number): void {
    if (this.size === this.from.length) {
      const f = new Int32Array(this.size * 2);
      const t = new Int32Array(this.size * 2);
      f.set(this.from);
      t.set(this.to);
      this.from = f;
      this.to = t;
    }
    this.from[this.size] = from;
    this.to[this.size] = to;
    this.size += 1;
  }
}

/**
 * Kahn's algorithm on dense indices: `edges` go from a dependency to its dependent (no
 * duplicates), `ranks[i]` is node i's unique tie-break (lowest first among ready nodes).
 * Returns the node indices in order; throws when the edges have a cycle.
 * O(E + V log V), typed arrays only.
 */
export function orderIndices(n: number, edges: EdgeList, ranks: Float64Array): Int32Array {
  const pending = new Int32Array(n);
  const offset = new Int32Array(n + 1);
  for (let e = 0; e < edges.size; e++) {
    pending[edges.to[e]!]! += 1;
    offset[edges.from[e]! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) offset[i + 1]! += offset[i]!;
  const fill = offset.slice(0, n);
  const dependents = new Int32Array(edges.size);
  for (let e = 0; e < edges.size; e++) dependents[fill[edges.from[e]!]!++] = edges.to[e]!;

  const heap = new KeyedHeap(n);
  for (let i = 0; i < n; i++) if (pending[i] === 0) heap.push(ranks[i]!, i);
  const out = new Int32Array(n);
  let count = 0;
  while (heap.size > 0) {
    const i = heap.pop();
    out[count++] = i;
    for (let e = offset[i]!; e < offset[i + 1]!; e++) {
      const k = dependents[e]!;
      pending[k]! -= 1;
      if (pending[k] === 0) heap.push(ranks[k]!, k);
    }
  }
  if (count !== n) throw new Error('orderIndices: the graph has a cycle');
  return out;
}

/**
 * Orders `nodes` so that every node comes after its dependencies (`deps(n)`, restricted to
 * `nodes`; others are ignored); among nodes ready together, the lowest `rank(n)` (unique per
 * node) first. Throws when the subgraph has a cycle (callers detect cycles first and report
 * them properly). O(E + V log V).
 */
export function orderByDependencies<T>(nodes: readonly T[], deps: (n: T) => readonly T[], rank: (n: T) => number): T[] {
  const n = nodes.length;
  const index = new Map<T, number>();
  for (let i = 0; i < n; i++) index.set(nodes[i]!, i);
  const edges = new EdgeList();
  const stamp = new Int32Array(n).fill(-1);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ranks[i] = rank(nodes[i]!);
    for (const d of deps(nodes[i]!)) {
      const j = index.get(d);
      if (j === undefined || j === i || stamp[j] === i) continue;
      stamp[j] = i;
      edges.add(j, i);
    }
  }
  return Array.from(orderIndices(n, edges, ranks), (i) => nodes[i]!);
}
