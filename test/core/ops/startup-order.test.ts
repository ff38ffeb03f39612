/**
 * SPEC 6.6 and the lifecycle issue's item 8: startup orders the whole set it starts (dependencies
 * first, ties by load_priority, then name), not module by module: all `timing` modules come up
 * before `default` ones unless a dependency forces one earlier.
 */
import { describe, expect, it } from 'vitest';
import type { StubSpec } from '../support/memory-host.js';
import { entries, world } from '../support/world.js';

/** A `core` module that needs a `default` one, two timers, a channel driver and a plain app. */
const specs: StubSpec[] = [
  { name: 'app_x' },
  { name: 'core_c', uses: ['app_d'], load_priority: 'core' },
  { name: 'app_d' },
  { name: 'timer_b', provides: ['service=timer_b'], load_priority: 'timing' },
  { name: 'timer_a', provides: ['service=timer_a'], load_priority: 'timing' },
  { name: 'chan_z', load_priority: 'channel_driver' },
];

const loadOrder = (plan: Array<{ module: string; action: string }>) => plan.filter((s) => s.action === 'load').map((s) => s.module);

describe('startup order', () => {
  it('with autoload, starts the timers before a default module a core module needs', async () => {
    const w = world(specs, { autoload: true });
    const result = await w.loader.startup();
    const order = loadOrder(result.plan);
    expect(order).toEqual(['timer_a', 'timer_b', 'chan_z', 'app_d', 'core_c', 'app_x']);
    expect(w.trail('load').map((t) => t.split(' ')[1])).toEqual(order);
  });

  it('orders load= lines as one set, whatever their order in the file', async () => {
    const w = world(specs, { load: entries('modules.conf', 'core_c', 'app_x', 'timer_b') });
    const result = await w.loader.startup();
    expect(loadOrder(result.plan)).toEqual(['timer_b', 'app_d', 'core_c', 'app_x']);
  });

  it('still starts a dependency before what needs it', async () => {
    const w = world([...specs, { name: 'res_rt', uses: ['app_d'], load_priority: 'realtime_driver' }], { autoload: true });
    const order = loadOrder((await w.loader.startup()).plan);
    expect(order.indexOf('app_d')).toBeLessThan(order.indexOf('res_rt'));
    expect(order.indexOf('app_d')).toBeLessThan(order.indexOf('core_c'));
    expect(order.indexOf('timer_a')).toBeLessThan(order.indexOf('chan_z'));
  });
});
