/**
 * The lifecycle issue's item 3 on the sample PBX, end to end: the service's shutdown (what
 * SIGTERM runs) never stops a module while a running module holds it, whatever the order in
 * which the holds were taken. Watched over a real websocket until the stream is cut off.
 */
import { describe, expect, it } from 'vitest';
import type { UserInfo } from '../../../src/core/types.js';
import { stopOrderViolations, unloadingOrder } from '../../core/support/stop-order.js';
import { editConfig, http, servicePerTest, streamed } from '../support/lifecycle.js';
import type { TestService } from '../support/service.js';
import type { StreamClient } from '../support/ws-client.js';

const services = servicePerTest();

/** Shuts the service down and returns the shutdown's events, in order. */
async function shutdown(service: TestService, events: StreamClient) {
  const before: UserInfo[] = service.loader.users();
  await service.close();
  await events.closed;
  const all = streamed(events);
  const op = all.find((e) => e.cause === 'shutdown')?.op;
  expect(op).toBeDefined();
  const ofShutdown = all.filter((e) => e.op === op);
  return { events: ofShutdown, violations: stopOrderViolations(before, ofShutdown, () => 'shutdown'), order: unloadingOrder(ofShutdown) };
}

describe('shutdown of the sample PBX', () => {
  it('stops chan_sip before res_http_websocket, which it took hold of when it was loaded over REST after startup', async () => {
    const { s, stream } = await services.start();
    const load = await http(s, 'POST', '/modules/res_http_websocket/load');
    expect(load.status).toBe(200);
    // chan_sip lists res_http_websocket in [canuse]: its hold is weak (SPEC 6.9), and still orders the stops.
    expect((await http(s, 'GET', '/modules/res_http_websocket')).json.users).toContainEqual(expect.objectContaining({ owner: 'chan_sip', weak: true }));

    const { order, violations } = await shutdown(s, stream);
    expect(order).toContain('res_http_websocket');
    expect(order.indexOf('chan_sip')).toBeLessThan(order.indexOf('res_http_websocket'));
    expect(violations).toEqual([]);
  });

  it('stops chan_sip before pbx_config and cdr_custom after a config reload', async () => {
    const { s, stream } = await services.start();
    await editConfig(s, 'modules.conf', (text) => `; edited by the operator\n${text}`);
    expect((await http(s, 'POST', '/config/reload')).status).toBe(200);

    const { order, violations } = await shutdown(s, stream);
    expect(order.indexOf('chan_sip')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('chan_sip')).toBeLessThan(order.indexOf('pbx_config'));
    expect(order.indexOf('chan_sip')).toBeLessThan(order.indexOf('cdr_custom'));
    expect(violations).toEqual([]);
  });

  it('stops every holder first when a running module took a dependency late (a [uses] line added and reloaded)', async () => {
    const { s, stream } = await services.start();
    await editConfig(s, 'modules.conf', (text) => text.replace('chan_sip=pbx_config', 'chan_sip=pbx_config\nchan_sip=func_cut'));
    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.json.plan).toContainEqual({ module: 'func_cut', action: 'load' });

    const { order, violations } = await shutdown(s, stream);
    expect(order.indexOf('chan_sip')).toBeLessThan(order.indexOf('func_cut'));
    expect(violations).toEqual([]);
  });
});
