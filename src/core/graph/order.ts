/**
 * Deterministic topological order (SPEC 6.6): dependencies first; among the modules ready at
 * the same time, the lowest rank first (rank = position by `load_priority`, then name, computed
 * once per module set by {@link rankModules}). Kahn's algorithm with a heap of ranks:
 * O(V log V + E) for V nodes and E edges of the subgraph.
 */
import { LOAD_PRIORITIES, type LoadPriority } from '../manifest.js';
import { RankHeap } from './heap.js';
import { compareNames } from './providers.js';

const PRIORITY_INDEX = new Map<string, number>(LOAD_PRIORITIES.map((p, i) => [p, i]));
const DEFAULT_INDEX = PRIORITY_INDEX.get('default')!;

/** Sorts modules by (load_priority, name) and returns each one's rank. O(V log V). */
export function rankModules(modules: Iterable<{ name: string; load_priority?: LoadPriority | undefined }>): Map<string, number> {
  const list = [...modules].map((m) => ({ name: m.name, p: PRIORITY_INDEX.get(m.load_priority ?? 'default') ?? DEFAULT_INDEX }));
  list.sort((a, b) => a.p - b.p || compareNames(a.name, b.name));
  return new Map(list.map((m, i) => [m.name, i]));
}

/**
 * Orders `nodes` so that every node comes after its dependencies (`deps(n)`, restricted to
 * `nodes`; others are ignored). `rank(n)` must be unique per node. Throws when the subgraph has a
 * cycle (callers detect cycles first and report them properly).
 */
export function orderByDependencies(
  nodes: readonly string[],
  deps: (n: string) => Iterable<string>,
  rank: (n: string) => number,
): string[] {
  const inSet = new Set(nodes);
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    let count = 0;
    const seen = new Set<string>();
    for (const d of deps(n)) {
      if (!inSet.has(d) || seen.has(d) || d === n) continue;
      seen.add(d);
      count += 1;
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(n);
    }
    pending.set(n, count);
  }
  const byRank = new Map<number, string>();
  const heap = new RankHeap();
  for (const n of nodes) {
    const r = rank(n);
    byRank.set(r, n);
    if (pending.get(n) === 0) heap.push(r);
  }
  const out: string[] = [];
  while (heap.size > 0) {
    const n = byRank.get(heap.pop()!)!;
    out.push(n);
    for (const dependent of dependents.get(n) ?? []) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) heap.push(rank(dependent));
    }
  }
  if (out.length !== nodes.length) throw new Error('orderByDependencies: the graph has a cycle');
  return out;
}
