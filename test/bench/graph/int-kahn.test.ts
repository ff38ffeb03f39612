import { describe, expect, it } from 'vitest';
import { generateGraph } from '../../../bench/graph/generate-graph.js';
import { intGraph, intKahnOrder } from '../../../bench/graph/int-kahn.js';
import { kahnOrder } from '../../../bench/graph/kahn.js';

describe('the integer-id Kahn sort (the planning floor)', () => {
  it('orders every module after the modules it uses, as the name-keyed sort does', () => {
    const graph = generateGraph({ modules: 400, edges: 2_000, seed: 3 });
    const ints = intGraph(graph.deps);
    const order = [...intKahnOrder(ints)].map((id) => ints.names[id]!);
    expect(order).toEqual(kahnOrder(graph.deps));
    const position = new Map(order.map((name, i) => [name, i]));
    for (const [name, deps] of graph.deps) for (const dep of deps) expect(position.get(dep)!).toBeLessThan(position.get(name)!);
  });

  it('refuses a cycle', () => {
    const ints = intGraph(new Map([['a', ['b']], ['b', ['a']], ['c', []]]));
    expect(() => intKahnOrder(ints)).toThrow(/cycle/);
  });
});
