import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
import type { UserHandle } from '../../../src/core/types.js';
import { rejection } from '../support/rejection.js';
import { world } from '../support/world.js';

/** A small PBX: chan_sip over rtp and a timer, pbx_config over app_dial, both over core. */
const pbx = () =>
  world([
    { name: 'chan_sip', uses: ['res_rtp', 'service=timer', 'pbx_config'] },
    { name: 'res_rtp', uses: ['core'] },
    { name: 'timerfd', provides: ['service=timer:200'] },
    { name: 'pbx_config', uses: ['app_dial'] },
    { name: 'app_dial', uses: ['core'] },
    { name: 'core' },
    { name: 'bystander' },
  ]);

describe('soft unload', () => {
  it('releases the admin, stops the module and cascades down in exactly the reverse load order', async () => {
    const w = pbx();
    const loaded = await w.loader.load('chan_sip');
    const loadOrder = loaded.plan.filter((s) => s.action === 'load').map((s) => s.module);
    const result = await w.loader.unload('chan_sip', { cause: 'req-2' });
    const stops = result.plan.filter((s) => s.action === 'unload' || s.action === 'cascade_unload').map((s) => s.module);
    expect(stops).toEqual([...loadOrder].reverse());
    expect(result.plan[0]).toMatchObject({ action: 'release_user', module: 'chan_sip' });
    expect(result.plan.slice(2).every((s) => s.action === 'cascade_unload' && s.direction === 'dependencies')).toBe(true);
    expect(w.running()).toEqual([]);
    const cascades = w.events.filter((e) => e.event === 'cascade_unload');
    expect(cascades.map((e) => e.module)).toEqual(stops.slice(1));
    expect(cascades.find((e) => e.module === 'res_rtp')?.cause).toBe('chan_sip');
  });

  it('keeps a dependency another module still uses', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    await w.loader.load('app_dial');
    await w.loader.unload('chan_sip');
    expect(w.running().sort()).toEqual(['app_dial', 'core']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('keeps a module with other users running and lists them', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    await w.loader.load('pbx_config');
    const result = await w.loader.unload('pbx_config');
    expect(result.state).toBe('running');
    expect(result.users).toMatchObject([{ kind: 'module', holder: 'chan_sip' }]);
  });

  it('answers in_use with the users when the admin holds no user of a running module', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const err = await rejection(w.loader.unload('res_rtp'));
    expect(err.code).toBe('in_use');
    expect(err.details.users).toMatchObject([{ kind: 'module', holder: 'chan_sip' }]);
    expect(w.loader.get('res_rtp').state).toBe('running');
  });

  it('succeeds with an empty plan for a module that does not run', async () => {
    const w = pbx();
    const result = await w.loader.unload('bystander');
    expect(result).toMatchObject({ plan: [], state: 'available' });
    expect(w.events).toEqual([]);
  });

  it('dry run gives the plan the real run carries out', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const dry = await w.loader.unload('chan_sip', { dryRun: true });
    expect(w.running()).toContain('chan_sip');
    const real = await w.loader.unload('chan_sip');
    expect(real.plan).toEqual(dry.plan);
  });

  it('keeps running while a channel is up and unloads when the call ends (the proposal scenario)', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const ctx = w.host.contexts.get('chan_sip')!;
    let hungUp = false;
    const call: UserHandle = ctx.addUser({ kind: 'channel', holder: 'SIP/alice-00000001', dispose: () => void (hungUp = true) });
    const result = await w.loader.unload('chan_sip');
    expect(result.state).toBe('running');
    expect(result.users).toMatchObject([{ kind: 'channel', holder: 'SIP/alice-00000001' }]);
    expect(hungUp).toBe(false);
    await call.release();
    expect(w.running()).toEqual([]);
    expect(w.trail('unload')[0]).toBe('unload chan_sip');
  });
});

describe('firm unload', () => {
  it('takes dependents down first (cascade up), then what only they needed (cascade down), in reverse load order', async () => {
    const w = pbx();
    const loaded = await w.loader.load('chan_sip');
    await w.loader.load('bystander');
    const result = await w.loader.unload('app_dial', { force: true, cause: 'req-3' });
    const stops = result.plan.filter((s) => s.action.includes('unload')).map((s) => `${s.module}:${s.direction ?? 'named'}`);
    expect(stops).toEqual([
      'chan_sip:dependents',
      'timerfd:dependencies',
      'res_rtp:dependencies',
      'pbx_config:dependents',
      'app_dial:named',
      'core:dependencies',
    ]);
    const loadOrder = loaded.plan.filter((s) => s.action === 'load').map((s) => s.module);
    expect(stops.map((s) => s.split(':')[0])).toEqual([...loadOrder].reverse());
    expect(result.state).toBe('available');
    expect(w.running()).toEqual(['bystander']);
    expect(w.events.find((e) => e.event === 'cascade_unload' && e.module === 'pbx_config')?.cause).toBe('app_dial');
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('hangs up channels through their dispose callback', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const ctx = w.host.contexts.get('chan_sip')!;
    const call = ctx.addUser({ holder: 'SIP/bob-1', dispose: () => void call.release() });
    const result = await w.loader.unload('chan_sip', { force: true });
    expect(result.plan).toContainEqual({ module: 'chan_sip', action: 'dispose', user: { id: call.id, kind: 'channel', holder: 'SIP/bob-1' } });
    expect(result.state).toBe('available');
    const channelEvents = w.events.filter((e) => 'user' in e && e.user.holder === 'SIP/bob-1').map((e) => e.event);
    expect(channelEvents).toEqual(['user_add', 'dispose_request', 'user_release']);
  });

  it('releases cancellable holds at once, asks the others to go, and stops when the last lets go', async () => {
    const w = pbx();
    await w.loader.load('core');
    const cancellable = await w.loader.addUser('core', { holder: 'backup-job', cancellable: true });
    const stubborn = await w.loader.addUser('core', { holder: 'monitoring' });
    const result = await w.loader.unload('core', { force: true });
    expect(result.state).toBe('running');
    expect(result.pending).toMatchObject([{ id: stubborn.user!.id, holder: 'monitoring' }]);
    expect(w.loader.get('core').pending).toMatchObject([{ holder: 'monitoring' }]);
    expect(w.loader.users({ holder: 'backup-job' })).toEqual([]);
    expect(w.events.find((e) => e.event === 'dispose_request')).toMatchObject({ module: 'core', user: { holder: 'monitoring' } });
    expect(cancellable.user?.cancellable).toBe(true);
    await w.loader.releaseUser(stubborn.user!.id);
    expect(w.loader.get('core').state).toBe('available');
  });

  it('waits up to timeout_ms for pending users and reports the outcome', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const ctx = w.host.contexts.get('chan_sip')!;
    const call = ctx.addUser({ holder: 'SIP/slow-1', dispose: () => void setTimeout(() => void call.release(), 20) });
    const quick = await w.loader.unload('chan_sip', { force: true, timeoutMs: 2000 });
    expect(quick.state).toBe('available');
    expect(quick.pending).toEqual([]);
  });

  it('says who keeps the module when the deadline passes', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const ctx = w.host.contexts.get('chan_sip')!;
    ctx.addUser({ holder: 'SIP/stuck-1' });
    const result = await w.loader.unload('chan_sip', { force: true, timeoutMs: 30 });
    expect(result.state).toBe('running');
    expect(result.pending).toMatchObject([{ kind: 'channel', holder: 'SIP/stuck-1' }]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});

describe('block_unload and the lib', () => {
  it('keeps a blocked lib after stop (stopped, block_unload) and reuses it without re-importing', async () => {
    const w = world([{ name: 'ws', block: true }]);
    await w.loader.load('ws');
    await w.loader.unload('ws');
    expect(w.loader.get('ws')).toMatchObject({ state: 'stopped', lib_loaded: true, blocked: true });
    expect(w.trail('block_unload', 'lib_release')).toEqual(['block_unload ws']);
    await w.loader.load('ws');
    expect(w.host.calls.filter((c) => c === 'import ws')).toHaveLength(1);
  });

  it('refuses to replace a blocked lib whose binary changed (lib_blocked)', async () => {
    const w = world([{ name: 'ws', block: true }]);
    await w.loader.load('ws');
    await w.loader.unload('ws');
    w.host.put({ name: 'ws', block: true });
    await w.loader.rescan(w.host.scan());
    expect((await rejection(w.loader.load('ws'))).code).toBe('lib_blocked');
  });

  it('releases an unblocked lib at stop so a changed binary loads fresh', async () => {
    const w = world([{ name: 'm' }]);
    await w.loader.load('m');
    w.host.put({ name: 'm' });
    const scan = await w.loader.rescan(w.host.scan());
    expect(scan.rescan).toMatchObject({ changed: ['m'], stale: ['m'] });
    expect(w.loader.get('m').stale).toBe(true);
    await w.loader.unload('m');
    expect(w.trail('lib_release')).toEqual(['lib_release m']);
    await w.loader.load('m');
    expect(w.host.calls.filter((c) => c === 'import m')).toHaveLength(2);
    expect(w.loader.get('m').stale).toBe(false);
  });

  it('withdraws registrations at stop even when unload() throws', async () => {
    const w = world([{ name: 'p', provides: ['application=Dial'], unloadThrows: true }]);
    await w.loader.load('p');
    expect(w.loader.provider('application', 'Dial')).toEqual({ from: 'p' });
    await w.loader.unload('p');
    expect(w.loader.provider('application', 'Dial')).toBeUndefined();
    expect(w.loader.get('p').state).toBe('available');
  });
});

describe('users', () => {
  it('refuses to release a user that belongs to a module (in_use) or does not exist (user_not_found)', async () => {
    const w = pbx();
    await w.loader.load('chan_sip');
    const moduleUser = w.loader.get('res_rtp').users[0]!;
    expect((await rejection(w.loader.releaseUser(moduleUser.id))).code).toBe('in_use');
    expect((await rejection(w.loader.releaseUser('u999'))).code).toBe('user_not_found');
  });

  it('loads a module for an external hold and stops it when the hold goes', async () => {
    const w = pbx();
    const hold = await w.loader.addUser('res_rtp', { holder: 'ops-tool' });
    expect(w.running().sort()).toEqual(['core', 'res_rtp']);
    expect(hold.user).toMatchObject({ kind: 'external', holder: 'ops-tool', module: 'res_rtp' });
    await w.loader.releaseUser(hold.user!.id);
    expect(w.running()).toEqual([]);
  });
});

describe('a soft unload of a module held only weakly', () => {
  it('plans the weak holds released (marked weak) and the stop, and its dry run keeps no users', async () => {
    const w = world([
      { name: 'res_ws', provides: ['service=websocket'] },
      { name: 'chan_x', canuse: ['res_ws'], useOnCanuse: ['service=websocket'] },
    ]);
    await w.loader.load('chan_x');
    await w.loader.load('res_ws');
    const dry = await w.loader.unload('res_ws', { dryRun: true });
    expect(dry.users).toEqual([]);
    expect(dry.plan).toMatchObject([
      { module: 'res_ws', action: 'release_user', user: { kind: 'admin' } },
      { module: 'res_ws', action: 'release_user', user: { kind: 'module', holder: 'chan_x', weak: true } },
      { module: 'res_ws', action: 'unload' },
    ]);
    const real = await w.loader.unload('res_ws');
    expect(real.plan).toEqual(dry.plan);
    expect(real.users).toEqual([]);
    expect(w.loader.get('chan_x').state).toBe('running');
  });
});
