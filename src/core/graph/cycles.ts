/**
 * Cycle finding over a directed graph given by a successor function. Iterative (no recursion
 * limit on long dependency chains) and deterministic: the same graph and successor order give
 * the same cycles every time.
 */

/**
 * Every strongly connected component that contains a cycle, each reported as one closed path
 * through it (`[a, b, c, a]`, starting at the component's first node in `nodes` order).
 * O(V + E) (Tarjan), plus O(V + E) for the paths.
 */
export function findCycles(nodes: Iterable<string>, successors: (n: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; it: Iterator<string> }> = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, it: successors(node)[Symbol.iterator]() });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const next = frame.it.next();
      if (!next.done) {
        const succ = next.value;
        if (!index.has(succ)) enter(succ);
        else if (onStack.has(succ)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(succ)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && [...successors(frame.node)].includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }

  const order = new Map<string, number>();
  let i = 0;
  for (const n of nodes) if (!order.has(n)) order.set(n, i++);
  const first = (c: string[]): string =>
    c.reduce((a, b) => ((order.get(a) ?? Infinity) <= (order.get(b) ?? Infinity) ? a : b));
  return components
    .map((component) => cyclePath(first(component), new Set(component), successors))
    .sort((a, b) => (order.get(a[0]!) ?? Infinity) - (order.get(b[0]!) ?? Infinity));
}

/**
 * A closed path from `start` back to itself staying inside `members` (which must be a strongly
 * connected set containing `start`): breadth-first, so the path is a shortest such cycle.
 */
export function cyclePath(start: string, members: Set<string>, successors: (n: string) => Iterable<string>): string[] {
  const parent = new Map<string, string>();
  const queue: string[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const succ of successors(node)) {
      if (!members.has(succ)) continue;
      if (succ === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = parent.get(at)) path.push(at);
        path.push(start);
        // path is start, node, …, start reversed in the middle: rebuild forwards.
        const middle = path.slice(1, -1).reverse();
        return [start, ...middle, start];
      }
      if (!parent.has(succ) && succ !== start) {
        parent.set(succ, node);
        queue.push(succ);
      }
    }
  }
  return [start, start];
}
