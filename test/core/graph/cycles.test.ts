import { describe, expect, it } from 'vitest';
import { findCycles } from '../../../src/core/graph/cycles.js';

const graphOf = (edges: Record<string, string[]>) => (n: string) => edges[n] ?? [];

describe('findCycles', () => {
  it('reports a cycle as the closed path through it', () => {
    const edges = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(findCycles(['d', 'a', 'b', 'c'], graphOf(edges))).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('reports a self-dependency', () => {
    expect(findCycles(['x'], graphOf({ x: ['x'] }))).toEqual([['x', 'x']]);
  });

  it('reports each independent cycle once, in node order', () => {
    const edges = { a: ['b'], b: ['a'], c: ['d'], d: ['e'], e: ['c'] };
    expect(findCycles(['c', 'd', 'e', 'a', 'b'], graphOf(edges))).toEqual([
      ['c', 'd', 'e', 'c'],
      ['a', 'b', 'a'],
    ]);
  });

  it('finds nothing in a DAG, however long its chains', () => {
    const n = 200_000;
    const nodes = Array.from({ length: n }, (_, i) => `m${i}`);
    const succ = (x: string) => {
      const i = Number(x.slice(1));
      return i + 1 < n ? [`m${i + 1}`] : [];
    };
    expect(findCycles(nodes, succ)).toEqual([]);
  });

  it('gives the same answer every time', () => {
    const edges = { a: ['c', 'b'], b: ['a'], c: ['a'] };
    const first = findCycles(['a', 'b', 'c'], graphOf(edges));
    expect(findCycles(['a', 'b', 'c'], graphOf(edges))).toEqual(first);
    expect(first).toHaveLength(1);
    expect(first[0]![0]).toBe('a');
    expect(first[0]!.at(-1)).toBe('a');
  });
});
