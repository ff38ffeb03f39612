import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
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
