import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
import { rejection } from '../support/rejection.js';
import { world } from '../support/world.js';

describe('loading a module', () => {
  it('starts its dependencies first, ties broken by load_priority then name, and makes the admin its user', async () => {
    const w = world([
      { name: 'chan_sip', uses: ['res_rtp', 'service=timer', 'app_b', 'app_a'], load_priority: 'channel_driver' },
      { name: 'res_rtp', load_priority: 'channel_depend' },
      { name: 'res_timing', provides: ['service=timer:100'], load_priority: 'timing' },
      { name: 'app_b' },
      { name: 'app_a' },
    ]);
    const result = await w.loader.load('chan_sip', { cause: 'req-1' });
    expect(result.plan.map((s) => `${s.action} ${s.module}`)).toEqual([
      'load res_timing',
      'load res_rtp',
      'load app_a',
      'load app_b',
      'load chan_sip',
      'add_user chan_sip',
    ]);
    expect(result.state).toBe('running');
    expect(w.loader.get('chan_sip').users.map((u) => u.kind)).toEqual(['admin']);
    expect(w.loader.get('res_rtp').users).toMatchObject([{ kind: 'module', holder: 'chan_sip', owner: 'chan_sip' }]);
    expect(w.events.every((e) => e.op === result.op)).toBe(true);
    expect(w.events.filter((e) => e.event === 'load').every((e) => e.cause === 'req-1')).toBe(true);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('chooses the best provider: highest priority, then name', async () => {
    const w = world([
      { name: 'user', uses: ['service=timer'] },
      { name: 'res_timing_dahdi', provides: ['service=timer:100'] },
      { name: 'res_timing_timerfd', provides: ['service=timer:200'] },
      { name: 'res_timing_pthread', provides: ['service=timer:50'] },
    ]);
    await w.loader.load('user');
    expect(w.running().sort()).toEqual(['res_timing_timerfd', 'user']);
    expect(w.loader.get('user').dependencies).toMatchObject([{ type: 'service', name: 'timer', provider: 'res_timing_timerfd' }]);
  });

  it('is repeatable: loading a module the admin already holds changes nothing', async () => {
    const w = world([{ name: 'a', uses: ['b'] }, { name: 'b' }]);
    await w.loader.load('a');
    const before = w.events.length;
    const again = await w.loader.load('a');
    expect(again.plan).toEqual([]);
    expect(again.state).toBe('running');
    expect(w.events.length).toBe(before);
  });

  it('adds only the admin user to a module that already runs as a dependency', async () => {
    const w = world([{ name: 'a', uses: ['b'] }, { name: 'b' }]);
    await w.loader.load('a');
    const result = await w.loader.load('b');
    expect(result.plan).toMatchObject([{ module: 'b', action: 'add_user', user: { kind: 'admin' } }]);
    expect(w.loader.get('b').use_count).toBe(2);
  });

  it('answers a dry run with the exact plan a real run then carries out, changing nothing', async () => {
    const w = world([{ name: 'a', uses: ['b', 'c'] }, { name: 'b', uses: ['c'] }, { name: 'c' }]);
    const dry = await w.loader.load('a', { dryRun: true });
    expect(dry.dry_run).toBe(true);
    expect(w.running()).toEqual([]);
    expect(w.events).toEqual([]);
    const real = await w.loader.load('a');
    expect(real.plan).toEqual(dry.plan);
  });

  it('refuses an unknown module with unknown_module', async () => {
    const w = world([]);
    expect((await rejection(w.loader.load('nope'))).code).toBe('unknown_module');
  });

  it('lists every missing dependency and who needs it (unresolved_dependency)', async () => {
    const w = world([{ name: 'a', uses: ['b', 'application=Gosub'] }, { name: 'b', uses: ['function=CUT'] }]);
    const err = await rejection(w.loader.load('a'));
    expect(err.code).toBe('unresolved_dependency');
    expect(err.details.missing).toEqual([
      { type: 'application', name: 'Gosub', needed_by: 'a', declared_in: 'manifest' },
      { type: 'function', name: 'CUT', needed_by: 'b', declared_in: 'manifest' },
    ]);
    expect(w.running()).toEqual([]);
  });

  it('refuses a cycle with the whole path and where each edge was declared, the same way from any entry', async () => {
    const specs = [{ name: 'a', uses: ['b'] }, { name: 'b', uses: ['application=C'] }, { name: 'c', provides: ['application=C'] }];
    const w = world(specs, {
      uses: [{ module: 'c', type: 'module', name: 'a', file: 'modules.conf', line: 7 }],
    });
    const fromA = await rejection(w.loader.load('a'));
    const fromC = await rejection(w.loader.load('c'));
    expect(fromA.code).toBe('dependency_cycle');
    expect(fromA.details.cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(fromA.details.edges).toEqual([
      { from: 'a', to: 'b', uses: 'module=b', declared_in: 'manifest' },
      { from: 'b', to: 'c', uses: 'application=C', declared_in: 'manifest' },
      { from: 'c', to: 'a', uses: 'module=a', declared_in: 'modules.conf:7' },
    ]);
    expect(fromC.details.cycle).toEqual(fromA.details.cycle);
    expect(w.running()).toEqual([]);
  });

  it('refuses a banned module, and a module that needs one, with neverload', async () => {
    const w = world([{ name: 'a', uses: ['banned'] }, { name: 'banned' }], {
      neverload: [{ name: 'banned', file: 'modules.conf', line: 3 }],
    });
    expect((await rejection(w.loader.load('banned'))).code).toBe('neverload');
    const err = await rejection(w.loader.load('a'));
    expect(err.code).toBe('neverload');
    expect(err.details).toMatchObject({ module: 'banned', needed_by: 'a' });
  });

  it('passes over a banned provider for the next best', async () => {
    const w = world(
      [
        { name: 'user', uses: ['service=timer'] },
        { name: 'fast', provides: ['service=timer:200'] },
        { name: 'slow', provides: ['service=timer:100'] },
      ],
      { neverload: [{ name: 'fast', file: 'modules.conf', line: 1 }] },
    );
    await w.loader.load('user');
    expect(w.loader.get('user').dependencies[0]?.provider).toBe('slow');
  });
});

describe('a load that fails', () => {
  const chain = (behaviour: 'decline' | 'failure' | 'throw' | 'hang') =>
    world(
      [
        { name: 'top', uses: ['mid'] },
        { name: 'mid', uses: ['base', 'shared'] },
        { name: 'base', provides: ['function=BASE'] },
        { name: 'shared' },
        { name: 'other', uses: ['shared'] },
        { name: 'bad' },
      ].map((s) => (s.name === 'mid' ? { ...s, behaviour } : s)),
      {},
      { loadTimeoutMs: 50 },
    );

  for (const [behaviour, state, outcome] of [
    ['failure', 'failed', 'failure'],
    ['throw', 'failed', 'throw'],
    ['hang', 'failed', 'timeout'],
    ['decline', 'declined', undefined],
  ] as const) {
    it(`rolls back everything it started when load() ends in ${behaviour}, leaving what ran before untouched`, async () => {
      const w = chain(behaviour);
      await w.loader.load('other');
      const usersBefore = w.loader.users();
      const err = await rejection(w.loader.load('top', { cause: 'req-9' }));
      expect(err.code).toBe('load_failed');
      expect(err.details).toMatchObject({ module: 'mid', rolled_back: ['base'] });
      expect(w.loader.get('mid').state).toBe(state);
      expect(w.loader.get('mid').reason).toBeTruthy();
      expect(w.states()).toMatchObject({ top: 'available', base: 'available', shared: 'running', other: 'running' });
      expect(w.loader.users()).toEqual(usersBefore);
      expect(w.loader.providers({ type: 'function' })).toMatchObject([{ name: 'BASE', registered: false }]);
      if (outcome) expect(w.events.find((e) => e.event === 'load_failed')).toMatchObject({ module: 'mid', outcome, cause: 'req-9' });
      else expect(w.trail('declined')).toEqual(['declined mid']);
      expect(checkInvariants(w.loader)).toEqual([]);
    });
  }

  it('can be retried once the cause is gone', async () => {
    const w = chain('failure');
    await rejection(w.loader.load('top'));
    w.host.put({ name: 'mid', uses: ['base', 'shared'] });
    await w.loader.rescan(w.host.scan());
    await w.loader.load('top');
    expect(w.loader.get('mid').state).toBe('running');
  });

  it('refuses a binary that does not match its manifest (checksum_mismatch) and imports nothing', async () => {
    const w = world([{ name: 'a', uses: ['b'] }, { name: 'b' }]);
    w.host.tampered.add('a');
    const err = await rejection(w.loader.load('a'));
    expect(err.code).toBe('checksum_mismatch');
    expect(err.details).toMatchObject({ module: 'a', rolled_back: ['b'] });
    expect(w.host.calls).not.toContain('import a');
    expect(w.trail('checksum_mismatch')).toEqual(['checksum_mismatch a']);
  });
});

describe('canuse', () => {
  it('tells running modules that list a module in [canuse] when it loads, and never loads it for them', async () => {
    const w = world([{ name: 'cdr', canuse: ['func_channel'] }, { name: 'func_channel' }]);
    await w.loader.load('cdr');
    expect(w.running()).toEqual(['cdr']);
    await w.loader.load('func_channel');
    expect(w.host.calls).toContain('canuse cdr func_channel');
    expect(w.events.find((e) => e.event === 'canuse')).toMatchObject({ module: 'cdr', used: 'func_channel' });
  });
});

describe('stable providers (6.13)', () => {
  it('keeps a dependent bound to its provider when a better one is installed, and uses the better one next time', async () => {
    const w = world([{ name: 'user', uses: ['service=timer'] }, { name: 'dahdi', provides: ['service=timer:100'] }]);
    await w.loader.load('user');
    w.host.put({ name: 'timerfd', provides: ['service=timer:200'] });
    const rescan = await w.loader.rescan(w.host.scan());
    expect(rescan.rescan.added).toEqual(['timerfd']);
    expect(w.loader.get('user').dependencies[0]?.provider).toBe('dahdi');
    await w.loader.unload('user');
    await w.loader.load('user');
    expect(w.loader.get('user').dependencies[0]?.provider).toBe('timerfd');
  });
});

describe('reload', () => {
  it("runs a running module's reload() and reports it", async () => {
    const w = world([{ name: 'pbx_config' }]);
    await w.loader.load('pbx_config');
    const result = await w.loader.reload('pbx_config', { cause: 'req-r' });
    expect(result.plan).toEqual([{ module: 'pbx_config', action: 'reload' }]);
    expect(w.host.calls).toContain('reload pbx_config');
    expect(w.events.at(-1)).toMatchObject({ event: 'reload', module: 'pbx_config', result: 'success', cause: 'req-r' });
  });

  it('refuses a module that is not running (not_running)', async () => {
    const w = world([{ name: 'pbx_config' }]);
    expect((await rejection(w.loader.reload('pbx_config'))).code).toBe('not_running');
    expect(w.host.calls).toEqual([]);
  });
});
