import { describe, expect, it } from 'vitest';
import { orderByDependencies, rankModules } from '../../../src/core/graph/order.js';
import { ProviderIndex } from '../../../src/core/graph/providers.js';
import type { Manifest } from '../../../src/core/manifest.js';

function manifest(name: string, extra: Partial<Manifest> = {}): Manifest {
  return { name, checksum: '0'.repeat(32), export_globals: false, config: [], uses: [], canuse: [], provides: [], ...extra };
}

describe('orderByDependencies', () => {
  it('puts dependencies first and breaks ties by load_priority, then name', () => {
    const ranks = rankModules([
      { name: 'app_b' },
      { name: 'app_a' },
      { name: 'res_timing', load_priority: 'timing' },
      { name: 'chan_x', load_priority: 'channel_driver' },
    ]);
    const deps: Record<string, string[]> = { chan_x: ['res_timing'] };
    const order = orderByDependencies(['app_b', 'chan_x', 'app_a', 'res_timing'], (n) => deps[n] ?? [], (n) => ranks.get(n)!);
    expect(order).toEqual(['res_timing', 'chan_x', 'app_a', 'app_b']);
  });

  it('ignores dependencies outside the node set', () => {
    const order = orderByDependencies(['b', 'a'], (n) => (n === 'a' ? ['running_elsewhere'] : []), (n) => (n === 'a' ? 0 : 1));
    expect(order).toEqual(['a', 'b']);
  });
});

describe('ProviderIndex', () => {
  it('ranks candidates by priority, then name in byte order', () => {
    const index = new ProviderIndex([
      manifest('res_timing_dahdi', { provides: [{ type: 'service', name: 'timer', priority: 100 }] }),
      manifest('res_timing_timerfd', { provides: [{ type: 'service', name: 'timer', priority: 200 }] }),
      manifest('Zeta', { provides: [{ type: 'service', name: 'timer', priority: 0 }] }),
      manifest('alpha', { provides: [{ type: 'service', name: 'timer', priority: 0 }] }),
    ]);
    expect(index.candidates('service', 'timer').map((c) => c.module)).toEqual([
      'res_timing_timerfd',
      'res_timing_dahdi',
      'Zeta',
      'alpha',
    ]);
    expect(index.best('service', 'timer', (m) => m !== 'res_timing_timerfd')?.module).toBe('res_timing_dahdi');
  });

  it('resolves module=X to X itself when X exists', () => {
    const index = new ProviderIndex([manifest('app_dial')]);
    expect(index.best('module', 'app_dial')?.module).toBe('app_dial');
    expect(index.best('module', 'nope')).toBeUndefined();
    expect(index.best('application', 'Dial')).toBeUndefined();
  });
});
