import { describe, expect, it } from 'vitest';
import { SnapshotCache } from '../../src/http/snapshot-cache.js';

describe('SnapshotCache', () => {
  it('builds an answer once per seq and key, and anew when the seq moves', () => {
    let seq = 1;
    let builds = 0;
    const cache = new SnapshotCache(() => seq);
    const build = () => ({ n: ++builds });
    expect(JSON.parse(cache.get('a', build).toString())).toEqual({ n: 1 });
    expect(JSON.parse(cache.get('a', build).toString())).toEqual({ n: 1 });
    expect(JSON.parse(cache.get('b', build).toString())).toEqual({ n: 2 });
    seq = 2;
    expect(JSON.parse(cache.get('a', build).toString())).toEqual({ n: 3 });
  });

  it('keeps no more than maxKeys answers per seq', () => {
    let builds = 0;
    const cache = new SnapshotCache(() => 1, 1);
    cache.get('a', () => ++builds);
    cache.get('b', () => ++builds);
    cache.get('b', () => ++builds);
    expect(builds).toBe(3);
  });
});
