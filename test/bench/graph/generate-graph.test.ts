import { describe, expect, it } from 'vitest';
import { generateGraph, ROOT_NAME } from '../../../bench/graph/generate-graph.js';
import { kahnOrder } from '../../../bench/graph/kahn.js';

describe('the benchmark graph generator', () => {
  const shape = { modules: 500, edges: 2_500, seed: 7 };

  it('makes exactly the modules and resolved edges asked for', () => {
    const graph = generateGraph(shape);
    expect(graph.manifests).toHaveLength(500);
    expect(graph.edges).toBe(2_500);
    expect([...graph.deps.values()].reduce((sum, list) => sum + list.length, 0)).toBe(2_500);
  });

  it('makes the same graph from the same seed and another from another seed', () => {
    expect(generateGraph(shape).manifests).toEqual(generateGraph(shape).manifests);
    expect(generateGraph({ ...shape, seed: 8 }).manifests).not.toEqual(generateGraph(shape).manifests);
  });

  it('makes a graph whose root reaches every module', () => {
    const graph = generateGraph(shape);
    expect(graph.root).toBe(ROOT_NAME);
    const seen = new Set<string>([graph.root]);
    const stack = [graph.root];
    while (stack.length > 0) {
      for (const dep of graph.deps.get(stack.pop()!) ?? []) {
        if (!seen.has(dep)) {
          seen.add(dep);
          stack.push(dep);
        }
      }
    }
    expect(seen.size).toBe(500);
  });

  it('resolves each service use to its highest-priority provider', () => {
    const graph = generateGraph(shape);
    const best = new Map<string, { module: string; priority: number }>();
    for (const m of graph.manifests) {
      for (const p of m.provides) {
        const current = best.get(p.name);
        if (p.type === 'service' && (!current || p.priority > current.priority)) best.set(p.name, { module: m.name, priority: p.priority });
      }
    }
    const serviceUses = graph.manifests.flatMap((m) => m.uses.filter((u) => u.type === 'service').map((u) => ({ from: m.name, name: u.name })));
    expect(serviceUses.length).toBeGreaterThan(0);
    for (const use of serviceUses) expect(graph.deps.get(use.from)).toContain(best.get(use.name)!.module);
  });

  it('refuses shapes it cannot make', () => {
    expect(() => generateGraph({ modules: 10, edges: 20, seed: 1 })).toThrow();
    expect(() => generateGraph({ modules: 100, edges: 50, seed: 1 })).toThrow();
  });
});

describe('the bare Kahn sort of the baseline', () => {
  it('puts every module after its dependencies', () => {
    const graph = generateGraph({ modules: 300, edges: 1_200, seed: 3 });
    const order = kahnOrder(graph.deps);
    expect(order).toHaveLength(300);
    const position = new Map(order.map((name, i) => [name, i]));
    for (const [name, deps] of graph.deps) for (const dep of deps) expect(position.get(dep)!).toBeLessThan(position.get(name)!);
  });

  it('throws on a cycle', () => {
    expect(() => kahnOrder(new Map([['a', ['b']], ['b', ['a']]]))).toThrow();
  });
});
