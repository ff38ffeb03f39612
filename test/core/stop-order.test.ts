/**
 * SPEC 6.6 and the lifecycle issue's item 3: no module stops while a running module holds it,
 * in cascades, firm unloads and shutdown, whatever the order in which the holds were taken.
 * The stop order follows the live user graph (holders first); reverse load order only breaks
 * ties.
 */
import { describe, expect, it } from 'vitest';
import { entries, world } from './support/world.js';
import { stopOrderViolations, unloadingOrder } from './support/stop-order.js';
import type { World } from './support/world.js';

/** chan_x runs first; ws_x is loaded later and chan_x then takes it at run time (ctx.use). */
const lateHold = async (): Promise<World> => {
  const w = world([
    { name: 'core_x', load_priority: 'core' },
    { name: 'chan_x', uses: ['core_x'], load_priority: 'channel_driver' },
    { name: 'ws_x', provides: ['service=websocket'], load_priority: 'channel_depend' },
  ]);
  await w.loader.load('chan_x');
  await w.loader.load('ws_x');
  // What chan_sip does on a call or in a hook: a module takes an API at run time.
  w.host.contexts.get('chan_x')!.use('service', 'websocket');
  expect(w.loader.get('ws_x').users).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'module', holder: 'chan_x' })]));
  return w;
};

/** chan_y runs; a config reload then declares `chan_y=cdr_y` in [uses]: cdr_y loads after chan_y. */
const lateDependency = async (): Promise<World> => {
  const w = world([{ name: 'chan_y', uses: ['core_y'] }, { name: 'core_y' }, { name: 'cdr_y', uses: ['core_y'] }, { name: 'bystander' }], {
    load: entries('modules.conf', 'chan_y', 'bystander'),
  });
  await w.loader.startup();
  await w.loader.setPolicy({
    ...w.loader.policy(),
    uses: [{ module: 'chan_y', type: 'module', name: 'cdr_y', file: 'modules.conf', line: 12 }],
  });
  expect(w.loader.get('cdr_y').users).toMatchObject([{ kind: 'config', owner: 'chan_y' }]);
  return w;
};

/** The stop-order violations of the operation `op` (started with `users`). */
const violations = (w: World, users: ReturnType<World['loader']['users']>, op: string): string[] => {
  const kinds = new Map(w.loader.opLog().map((o) => [o.op, o.kind]));
  return stopOrderViolations(users, w.events.filter((e) => e.op === op), (id) => (id ? kinds.get(id) : undefined));
};

describe('shutdown', () => {
  it('stops a module that took a hold at run time before the module it holds, though that one loaded later', async () => {
    const w = await lateHold();
    const users = w.loader.users();
    const result = await w.loader.shutdown();
    const order = unloadingOrder(w.events.filter((e) => e.op === result.op));
    expect(order.indexOf('chan_x')).toBeLessThan(order.indexOf('ws_x'));
    expect(order.indexOf('chan_x')).toBeLessThan(order.indexOf('core_x'));
    expect(violations(w, users, result.op)).toEqual([]);
    expect(w.running()).toEqual([]);
  });

  it('stops a module before a dependency a config reload gave it later', async () => {
    const w = await lateDependency();
    const users = w.loader.users();
    const result = await w.loader.shutdown();
    const order = unloadingOrder(w.events.filter((e) => e.op === result.op));
    expect(order.indexOf('chan_y')).toBeLessThan(order.indexOf('cdr_y'));
    expect(order.indexOf('cdr_y')).toBeLessThan(order.indexOf('core_y'));
    expect(violations(w, users, result.op)).toEqual([]);
  });

  it('plans the stops in the order it carries them out', async () => {
    const w = await lateHold();
    const result = await w.loader.shutdown();
    const planned = result.plan.filter((s) => s.action === 'unload' || s.action === 'cascade_unload').map((s) => s.module);
    expect(planned).toEqual(unloadingOrder(w.events.filter((e) => e.op === result.op)));
  });

  it('breaks ties by reverse load order', async () => {
    const w = world([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await w.loader.load('b');
    await w.loader.load('c');
    await w.loader.load('a');
    const result = await w.loader.shutdown();
    expect(unloadingOrder(w.events.filter((e) => e.op === result.op))).toEqual(['a', 'c', 'b']);
  });
});

describe('firm unload', () => {
  it('of a shared dependency stops every holder before what it holds, late holds included', async () => {
    const w = await lateHold();
    const users = w.loader.users();
    const result = await w.loader.unload('core_x', { force: true });
    const order = unloadingOrder(w.events.filter((e) => e.op === result.op));
    expect(order.indexOf('chan_x')).toBeLessThan(order.indexOf('core_x'));
    expect(violations(w, users, result.op)).toEqual([]);
  });

  it('of the module holding a late-loaded dependency stops it before that dependency', async () => {
    const w = await lateDependency();
    const users = w.loader.users();
    const result = await w.loader.unload('chan_y', { force: true });
    const order = unloadingOrder(w.events.filter((e) => e.op === result.op));
    expect(order).toEqual(['chan_y', 'cdr_y', 'core_y']);
    expect(violations(w, users, result.op)).toEqual([]);
  });
});

describe('cascades', () => {
  it('stop a dependent before a dependency that was loaded after it', async () => {
    const w = await lateDependency();
    const users = w.loader.users();
    const result = await w.loader.unload('chan_y');
    expect(unloadingOrder(w.events.filter((e) => e.op === result.op))).toEqual(['chan_y', 'cdr_y', 'core_y']);
    expect(violations(w, users, result.op)).toEqual([]);
  });
});
