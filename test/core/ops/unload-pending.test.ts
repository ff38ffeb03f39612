/**
 * SPEC 6.5 and the lifecycle issue's item 7: while a firm unload waits, its answer and the
 * module's `pending` list the holds that have not let go, wherever they are in the cascade up
 * (e.g. an `external call-1` hold on a dependent), not the intermediate module.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
import { world } from '../support/world.js';

/** chan_sip over res_rtp over core; an ops tool holds chan_sip and does not let go at once. */
const held = async () => {
  const w = world([{ name: 'chan_sip', uses: ['res_rtp'] }, { name: 'res_rtp', uses: ['core'] }, { name: 'core' }]);
  await w.loader.load('chan_sip');
  const hold = await w.loader.addUser('chan_sip', { holder: 'call-1' });
  return { w, id: hold.user!.id };
};

describe('a firm unload that waits', () => {
  it('answers with the hold further up that has not let go, not the module in between', async () => {
    const { w, id } = await held();
    const result = await w.loader.unload('res_rtp', { force: true });
    expect(result.state).toBe('running');
    expect(result.pending).toEqual([expect.objectContaining({ id, kind: 'external', holder: 'call-1', module: 'chan_sip' })]);
    expect(w.events.find((e) => e.event === 'dispose_request')).toMatchObject({ module: 'chan_sip', user: { holder: 'call-1' } });
  });

  it('shows the same hold in the module read while it waits', async () => {
    const { w, id } = await held();
    await w.loader.unload('res_rtp', { force: true });
    expect(w.loader.get('res_rtp').pending).toEqual([expect.objectContaining({ id, holder: 'call-1' })]);
    expect(w.loader.get('chan_sip').pending).toEqual([expect.objectContaining({ id, holder: 'call-1' })]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('says who keeps it when the deadline passes, and finishes when the hold goes', async () => {
    const { w, id } = await held();
    const result = await w.loader.unload('core', { force: true, timeoutMs: 20 });
    expect(result.state).toBe('running');
    expect(result.pending).toEqual([expect.objectContaining({ id, holder: 'call-1' })]);
    await w.loader.releaseUser(id);
    expect(w.running()).toEqual([]);
    expect(w.loader.get('core').pending).toEqual([]);
  });

  it('lists a channel without a dispose callback on a dependent the same way', async () => {
    const w = world([{ name: 'chan_sip', uses: ['res_rtp'] }, { name: 'res_rtp' }]);
    await w.loader.load('chan_sip');
    const call = w.host.contexts.get('chan_sip')!.addUser({ holder: 'SIP/stuck-1' });
    const result = await w.loader.unload('res_rtp', { force: true });
    expect(result.pending).toEqual([expect.objectContaining({ id: call.id, kind: 'channel', holder: 'SIP/stuck-1' })]);
    expect(w.loader.get('res_rtp').pending).toEqual([expect.objectContaining({ id: call.id })]);
  });
});
