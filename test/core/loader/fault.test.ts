import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
import { Loader } from '../../../src/core/loader.js';
import { emptyPolicy } from '../../../src/core/policy.js';
import { MemoryHost } from '../support/memory-host.js';
import { rejection } from '../support/rejection.js';
import { world } from '../support/world.js';

describe('a fault charged to a module (SPEC 6.16)', () => {
  it('streams module_fault, firm-unloads the module with its dependents and leaves it failed', async () => {
    const w = world([
      { name: 'chan_sip', uses: ['res_rtp'] },
      { name: 'res_rtp', uses: ['core'] },
      { name: 'core' },
    ]);
    await w.loader.load('chan_sip');
    const result = await w.loader.fault('res_rtp', new Error('timer threw'), { source: 'exception' });
    expect(w.loader.get('res_rtp').state).toBe('failed');
    expect(w.loader.get('res_rtp').reason).toContain('timer threw');
    expect(w.loader.get('chan_sip').state).toBe('available');
    expect(w.running()).toEqual([]);
    expect(result.plan).toContainEqual({ module: 'chan_sip', action: 'cascade_unload', direction: 'dependents' });
    const fault = w.events.find((e) => e.event === 'module_fault');
    expect(fault).toMatchObject({ module: 'res_rtp', error: 'timer threw', source: 'exception', op: result.op });
    expect(checkInvariants(w.loader)).toEqual([]);
    // A failed module loads again on request.
    await w.loader.load('chan_sip');
    expect(w.loader.get('res_rtp').state).toBe('running');
  });

  it('only records the fault of a module that is not running', async () => {
    const w = world([{ name: 'app_x' }]);
    await w.loader.fault('app_x', 'late rejection', { source: 'rejection' });
    expect(w.loader.get('app_x')).toMatchObject({ state: 'available', reason: 'fault (rejection): late rejection' });
    expect(w.events.map((e) => e.event)).toEqual(['module_fault']);
  });

  it('refuses an unknown module', async () => {
    const w = world([{ name: 'app_x' }]);
    expect((await rejection(w.loader.fault('nope', new Error('x')))).code).toBe('unknown_module');
  });
});

describe('user ids', () => {
  it('carry the boot id, so an id from an earlier run never names a user of this one', async () => {
    const host = new MemoryHost([{ name: 'app_x' }]);
    const first = new Loader({ host, scan: host.scan(), policy: emptyPolicy(), bootId: 'b1' });
    const second = new Loader({ host, scan: host.scan(), policy: emptyPolicy(), bootId: 'b2' });
    const a = await first.addUser('app_x', { holder: 'x' });
    const b = await second.addUser('app_x', { holder: 'x' });
    expect(a.user!.id).toBe('u1-b1');
    expect(b.user!.id).toBe('u1-b2');
    expect((await rejection(second.releaseUser(a.user!.id))).code).toBe('user_not_found');
  });
});

describe('operation observers', () => {
  it('hear every finished operation once, with its outcome', async () => {
    const w = world([{ name: 'app_x' }]);
    const seen: string[] = [];
    const stop = w.loader.subscribeOperations((e) => seen.push(`${e.kind} ${e.target ?? ''} ${e.ok ? 'ok' : e.code}`));
    await w.loader.load('app_x');
    await rejection(w.loader.load('nope'));
    stop();
    await w.loader.unload('app_x');
    expect(seen).toEqual(['load app_x ok', 'load nope unknown_module']);
  });
});
