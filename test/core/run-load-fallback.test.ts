/**
 * SPEC 6.1 and the lifecycle issue's item 5: when the chosen provider of a typed use declines
 * or fails, the operation moves on to the next best by the same ranking, says so in its plan
 * (`declined` / `load_failed` steps) and its events, and succeeds if the fallback does.
 * `module=` uses have no fallback. A module that declined or failed is not tried again within
 * the same operation.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/core/invariants.js';
import type { Policy } from '../../src/core/policy.js';
import type { OpResult } from '../../src/core/types.js';
import type { Behaviour } from './support/memory-host.js';
import { rejection } from './support/rejection.js';
import { world } from './support/world.js';

/** The sample's timers: timerfd banned, dahdi (the best left) declines or fails, pthread works. */
const timers = (dahdi: Behaviour, extra: Array<{ name: string; uses?: string[]; behaviour?: Behaviour }> = [], policy: Partial<Policy> = {}) =>
  world(
    [
      { name: 'chan_sip', uses: ['service=timer'], load_priority: 'channel_driver' },
      { name: 'res_timing_timerfd', provides: ['service=timer:200'], load_priority: 'timing' },
      { name: 'res_timing_dahdi', provides: ['service=timer:100'], load_priority: 'timing', behaviour: dahdi },
      { name: 'res_timing_pthread', provides: ['service=timer:50'], load_priority: 'timing' },
      ...extra,
    ],
    { neverload: [{ name: 'res_timing_timerfd', file: 'modules.conf', line: 4 }], ...policy },
  );

const loads = (calls: string[], name: string) => calls.filter((c) => c === `load ${name}`).length;

/**
 * The plan without a `load` step for `provider` (whether the plan shows the attempt as well as
 * its outcome is left open; the outcome step must be there).
 */
const withoutAttempt = (plan: OpResult['plan'], provider: string) => plan.filter((s) => !(s.module === provider && s.action === 'load'));

describe('provider fallback', () => {
  it('moves on to the next best provider when the best one declines, and says so in the plan and the events', async () => {
    const w = timers('decline');
    const result = await w.loader.load('chan_sip', { cause: 'req-f' });
    expect(result.state).toBe('running');
    expect(withoutAttempt(result.plan, 'res_timing_dahdi')).toEqual([
      { module: 'res_timing_dahdi', action: 'declined', reason: expect.any(String) },
      { module: 'res_timing_pthread', action: 'load' },
      { module: 'chan_sip', action: 'load' },
      { module: 'chan_sip', action: 'add_user', user: { kind: 'admin', holder: 'admin' } },
    ]);
    expect(w.loader.get('chan_sip').dependencies).toMatchObject([{ type: 'service', name: 'timer', provider: 'res_timing_pthread' }]);
    expect(w.loader.get('res_timing_dahdi').state).toBe('declined');
    expect(w.events.find((e) => e.event === 'declined')).toMatchObject({ module: 'res_timing_dahdi', op: result.op, cause: 'req-f' });
    expect(w.running().sort()).toEqual(['chan_sip', 'res_timing_pthread']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  for (const behaviour of ['failure', 'throw'] as const) {
    it(`moves on when the best provider's load() ends in ${behaviour} (a load_failed step)`, async () => {
      const w = timers(behaviour);
      const result = await w.loader.load('chan_sip');
      expect(withoutAttempt(result.plan, 'res_timing_dahdi')[0]).toEqual({ module: 'res_timing_dahdi', action: 'load_failed', reason: expect.any(String) });
      expect(w.loader.get('res_timing_dahdi').state).toBe('failed');
      expect(w.trail('load_failed')).toEqual(['load_failed res_timing_dahdi']);
      expect(w.running().sort()).toEqual(['chan_sip', 'res_timing_pthread']);
    });
  }

  it('falls back for a dependency of a dependency, and for an external hold', async () => {
    const w = timers('decline', [{ name: 'app_top', uses: ['chan_sip'] }]);
    await w.loader.load('app_top');
    expect(w.running().sort()).toEqual(['app_top', 'chan_sip', 'res_timing_pthread']);
    const x = timers('decline');
    const hold = await x.loader.addUser('chan_sip', { holder: 'ops' });
    expect(withoutAttempt(hold.plan, 'res_timing_dahdi').map((s) => `${s.action} ${s.module}`)).toEqual(['declined res_timing_dahdi', 'load res_timing_pthread', 'load chan_sip', 'add_user chan_sip']);
  });

  it('fails the operation and rolls back when no provider is left', async () => {
    const w = world([
      { name: 'chan_sip', uses: ['service=timer'] },
      { name: 'res_timing_dahdi', provides: ['service=timer:100'], behaviour: 'decline' },
      { name: 'res_timing_pthread', provides: ['service=timer:50'], behaviour: 'failure' },
    ]);
    const err = await rejection(w.loader.load('chan_sip'));
    expect(err.code).toBe('load_failed');
    expect(w.running()).toEqual([]);
    expect(w.states()).toMatchObject({ res_timing_dahdi: 'declined', res_timing_pthread: 'failed', chan_sip: 'available' });
  });

  it('has no fallback for a module= use', async () => {
    const w = world([
      { name: 'cdr_odbc', uses: ['module=res_odbc'] },
      { name: 'res_odbc', provides: ['realtime=odbc:10'], behaviour: 'decline' },
      { name: 'res_odbc_other', provides: ['realtime=odbc:5'] },
    ]);
    const err = await rejection(w.loader.load('cdr_odbc'));
    expect(err.code).toBe('load_failed');
    expect(err.details).toMatchObject({ module: 'res_odbc' });
    expect(w.running()).toEqual([]);
  });

  it('tries a module that declined only once per operation, however many modules need it (autoload=yes)', async () => {
    const w = timers(
      'decline',
      [
        { name: 'chan_iax', uses: ['service=timer'] },
        { name: 'app_meetme', uses: ['service=timer'] },
      ],
      { autoload: true },
    );
    await w.loader.startup();
    expect(loads(w.host.calls, 'res_timing_dahdi')).toBe(1);
    expect(w.running()).toEqual(expect.arrayContaining(['chan_sip', 'chan_iax', 'app_meetme', 'res_timing_pthread']));
  });

  it("runs a declining module's load() once per startup, not once per dependent (res_odbc)", async () => {
    const w = world(
      [
        { name: 'res_odbc', behaviour: 'decline' },
        { name: 'cdr_odbc', uses: ['res_odbc'] },
        { name: 'func_odbc', uses: ['res_odbc'] },
        { name: 'res_config_odbc', uses: ['res_odbc'] },
      ],
      { autoload: true },
    );
    const result = await w.loader.startup();
    expect(loads(w.host.calls, 'res_odbc')).toBe(1);
    expect(w.running()).toEqual([]);
    expect(result.failures?.map((f) => f.module)).toEqual(expect.arrayContaining(['cdr_odbc', 'func_odbc', 'res_config_odbc']));
  });

  it('is not known to a dry run, which plans the best provider only', async () => {
    const w = timers('decline');
    const dry = await w.loader.load('chan_sip', { dryRun: true });
    expect(dry.plan.map((s) => `${s.action} ${s.module}`)).toEqual(['load res_timing_dahdi', 'load chan_sip', 'add_user chan_sip']);
  });
});

describe('autoload when the best provider of a service declines', () => {
  it('makes the admin a user of the next best instead, so a timer stays loaded without chan_sip', async () => {
    const w = timers('decline', [], { autoload: true });
    const started = await w.loader.startup();
    expect(started.failures).toMatchObject([{ module: 'res_timing_dahdi' }]);
    expect(w.loader.get('res_timing_pthread').users).toContainEqual(expect.objectContaining({ kind: 'admin', reason: 'autoload' }));
    await w.loader.unload('chan_sip');
    expect(w.loader.get('res_timing_pthread').state).toBe('running');
    expect(loads(w.host.calls, 'res_timing_dahdi')).toBe(1);
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});
