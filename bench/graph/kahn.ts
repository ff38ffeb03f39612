/**
 * The baseline of the planning figures: a bare Kahn topological sort over an already
 * resolved graph (module name -> names of its dependencies), FIFO queue, no ranking, no
 * provider resolution, no checks. What a minimal implementation costs for the same graph.
 */
export function kahnOrder(deps: ReadonlyMap<string, readonly string[]>): string[] {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, list] of deps) {
    pending.set(node, list.length);
    for (const dep of list) {
      let users = dependents.get(dep);
      if (!users) dependents.set(dep, (users = []));
      users.push(node);
    }
  }
  const queue: string[] = [];
  for (const [node, count] of pending) if (count === 0) queue.push(node);
  for (let head = 0; head < queue.length; head += 1) {
    const users = dependents.get(queue[head]!);
    if (!users) continue;
    for (const user of users) {
      const left = pending.get(user)! - 1;
      pending.set(user, left);
      if (left === 0) queue.push(user);
    }
  }
  if (queue.length !== pending.size) throw new Error('kahnOrder: the graph has a cycle');
  return queue;
}
