/**
 * The floor of the planning figures: a Kahn topological sort over integer ids, the graph
 * prebuilt as compressed rows of typed arrays (`Int32Array`s of offsets and targets, the
 * dependents of each module), so a sort touches a few contiguous arrays and allocates only its
 * counters and queue. What the loader's plan would cost if all it did were ordering an
 * already resolved graph held in the most compact form.
 */

export interface IntGraph {
  /** Module names by id. */
  names: string[];
  /** `dependents[offsets[i] .. offsets[i + 1])` are the ids that use module `i`. */
  offsets: Int32Array;
  dependents: Int32Array;
  /** How many distinct dependencies each module has. */
  indegree: Int32Array;
}

/** Builds the compressed rows once from a resolved graph (name -> dependency names). */
export function intGraph(deps: ReadonlyMap<string, readonly string[]>): IntGraph {
  const names = [...deps.keys()];
  const ids = new Map(names.map((name, i) => [name, i]));
  const n = names.length;
  const indegree = new Int32Array(n);
  const counts = new Int32Array(n + 1);
  for (const [node, list] of deps) {
    indegree[ids.get(node)!] = list.length;
    for (const dep of list) counts[ids.get(dep)! + 1]! += 1;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i += 1) offsets[i + 1] = offsets[i]! + counts[i + 1]!;
  const dependents = new Int32Array(offsets[n]!);
  const fill = offsets.slice(0, n);
  for (const [node, list] of deps) {
    const id = ids.get(node)!;
    for (const dep of list) dependents[fill[ids.get(dep)!]!++] = id;
  }
  return { names, offsets, dependents, indegree };
}

/** The ids in a dependencies-first order (FIFO Kahn). Throws on a cycle. O(modules + edges). */
export function intKahnOrder(graph: IntGraph): Int32Array {
  const n = graph.names.length;
  const pending = graph.indegree.slice();
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i += 1) if (pending[i] === 0) queue[tail++] = i;
  for (let head = 0; head < tail; head += 1) {
    const node = queue[head]!;
    for (let k = graph.offsets[node]!, end = graph.offsets[node + 1]!; k < end; k += 1) {
      const user = graph.dependents[k]!;
      if (--pending[user]! === 0) queue[tail++] = user;
    }
  }
  if (tail !== n) throw new Error('intKahnOrder: the graph has a cycle');
  return queue;
}
