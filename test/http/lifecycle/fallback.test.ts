/**
 * The lifecycle issue's item 5 on the sample PBX: with timerfd banned, the best timer left is
 * res_timing_dahdi, which declines without DAHDI hardware; chan_sip must then run on
 * res_timing_pthread, the decline reported in the plan and the event stream, and dahdi's
 * load() run once per operation.
 */
import { describe, expect, it } from 'vitest';
import { barrier, http, servicePerTest, streamed, trailOf } from '../support/lifecycle.js';

const services = servicePerTest();

const modulesConf = (autoload: boolean) =>
  `[modules]\nautoload=${autoload ? 'yes' : 'no'}\nneverload=res_timing_timerfd\nneverload=app_system\nneverload=func_shell\n`;

describe('a declining timer', () => {
  it('with autoload=yes and timerfd banned, chan_sip runs on res_timing_pthread; dahdi is tried once', async () => {
    const { s, stream } = await services.start({ since: 0, config: { 'modules.conf': modulesConf(true) } });
    const sip = await http(s, 'GET', '/modules/chan_sip');
    expect(sip.json.state).toBe('running');
    expect(sip.json.dependencies).toContainEqual(expect.objectContaining({ type: 'service', name: 'timer', provider: 'res_timing_pthread' }));
    const events = streamed(stream);
    const startup = events.find((e) => e.cause === 'startup')!.op!;
    expect(trailOf(events, startup, 'loading').filter((t) => t === 'loading res_timing_dahdi')).toHaveLength(1);
    expect(trailOf(events, startup, 'declined')).toEqual(['declined res_timing_dahdi']);
    expect((await http(s, 'GET', '/modules/res_timing_dahdi')).json.state).toBe('declined');
  });

  it('POST /modules/chan_sip/load moves on to pthread and reports the decline in the plan and the stream', async () => {
    const { s, stream } = await services.start({ config: { 'modules.conf': modulesConf(false) } });
    const load = await http(s, 'POST', '/modules/chan_sip/load');
    expect(load.status).toBe(200);
    expect(load.json.state).toBe('running');
    const plan = load.json.plan as Array<{ module: string; action: string; reason?: string }>;
    const declined = plan.findIndex((p) => p.module === 'res_timing_dahdi' && p.action === 'declined');
    expect(declined).toBeGreaterThanOrEqual(0);
    expect(plan[declined]!.reason).toEqual(expect.any(String));
    expect(plan.findIndex((p) => p.module === 'res_timing_pthread' && p.action === 'load')).toBeGreaterThan(declined);
    await barrier(s, stream);
    expect(trailOf(streamed(stream), load.json.op, 'declined')).toEqual(['declined res_timing_dahdi']);
  });
});
