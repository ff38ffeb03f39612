/**
 * The proposal's call scenario, end to end over real HTTP and a real websocket: the admin
 * loads chan_sip, a call starts (POST /actions/Originate makes a channel user of chan_sip),
 * `module unload chan_sip` releases the admin's use but chan_sip keeps running for the call,
 * the call hangs up and chan_sip stops, and everything it pulled in stops after it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/http/settings.js';
import { startService, type TestService } from './support/service.js';
import { eventsOf, openStream, type StreamClient } from './support/ws-client.js';

let s: TestService;
let stream: StreamClient;

beforeAll(async () => {
  // The sample policy without require=/load=: nothing runs until the admin loads chan_sip.
  const sample = await readFile(join(packageRoot(), 'config', 'modules.conf'), 'utf8');
  const modulesConf = `[modules]\nautoload=no\n\n${sample.slice(sample.indexOf('\n[uses]') + 1)}`;
  s = await startService({ listen: true, config: { 'modules.conf': modulesConf } });
  stream = await openStream(s.url);
});
afterAll(async () => {
  await stream?.close();
  await s?.stop();
});

async function http(method: string, path: string, body?: unknown, requestId?: string) {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(requestId ? { 'x-request-id': requestId } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const running = async (): Promise<string[]> =>
  (await http('GET', '/modules?state=running')).json.modules.map((m: { name: string }) => m.name);

it('runs chan_sip as long as a call uses it, then unloads it and what it pulled in', async () => {
  expect(await running()).toEqual([]);

  // module load chan_sip: dependencies first, the admin becomes chan_sip's user.
  const load = await http('POST', '/modules/chan_sip/load', undefined, 'call-1-load');
  expect(load.status).toBe(200);
  expect(load.json.state).toBe('running');
  const loaded = (load.json.plan as Array<{ module: string; action: string }>).filter((p) => p.action === 'load').map((p) => p.module);
  expect(loaded.at(-1)).toBe('chan_sip');
  expect(loaded.indexOf('res_rtp_asterisk')).toBeLessThan(loaded.indexOf('chan_sip'));
  expect(loaded.indexOf('app_dial')).toBeLessThan(loaded.indexOf('pbx_config'));
  const pulledIn = await running();
  expect(pulledIn).toEqual(expect.arrayContaining(['chan_sip', 'pbx_config', 'res_rtp_asterisk', 'res_timing_timerfd', 'app_dial']));

  // A call: the channel is a user of chan_sip.
  const call = await http('POST', '/actions/Originate', { peer: 'alice' }, 'call-1-originate');
  expect(call.status).toBe(200);
  const channel = call.json.result.channel as string;

  // module unload chan_sip: the admin lets go; chan_sip keeps running for the call.
  const unload = await http('POST', '/modules/chan_sip/unload', undefined, 'call-1-unload');
  expect(unload.status).toBe(200);
  expect(unload.json.state).toBe('running');
  expect(unload.json.users).toEqual([expect.objectContaining({ kind: 'channel', holder: channel })]);
  const why = await http('GET', '/modules/chan_sip/why');
  expect(why.json.chains).toEqual([expect.objectContaining({ root: expect.objectContaining({ kind: 'channel', holder: channel }) })]);
  expect(await running()).toEqual(pulledIn);

  // The call ends: chan_sip's last user goes, it stops, and so does everything it pulled in.
  const hangup = await http('POST', '/actions/Hangup', { channel }, 'call-1-hangup');
  expect(hangup.status).toBe(200);
  const lastUnload = await stream.waitFor((m) => m.event === 'cascade_unload' && m.module === 'res_timing_timerfd');
  await stream.waitFor((m) => m.event === 'unload' && m.module === 'res_timing_timerfd' && (m.seq as number) > (lastUnload.seq as number));
  expect(await running()).toEqual([]);

  // The events, in order.
  const events = eventsOf(stream.messages);
  const seqs = events.map((e) => e.seq as number);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  const index = (match: (e: Record<string, unknown>) => boolean): number => events.findIndex(match);
  const at = (event: string, module: string): number => index((e) => e.event === event && e.module === module);

  // The load: every event carries the load's op and its request id; dependencies load first.
  const loadEvents = events.filter((e) => e.op === load.json.op);
  expect(loadEvents.length).toBeGreaterThan(loaded.length);
  expect(loadEvents.every((e) => e.cause === 'call-1-load')).toBe(true);
  for (const module of loaded) expect(at('loading', module)).toBeLessThan(at('load', module));
  expect(at('load', 'res_rtp_asterisk')).toBeLessThan(at('load', 'chan_sip'));
  expect(at('load', 'app_dial')).toBeLessThan(at('load', 'pbx_config'));
  const adminAdd = index((e) => e.event === 'user_add' && e.module === 'chan_sip' && (e.user as { kind: string }).kind === 'admin');
  expect(adminAdd).toBeGreaterThan(at('load', 'chan_sip'));

  // The call, the soft unload (no unload of chan_sip yet), the hangup, then the cascade.
  const channelAdd = index((e) => e.event === 'user_add' && (e.user as { holder: string }).holder === channel);
  const adminRelease = index((e) => e.event === 'user_release' && e.op === unload.json.op && (e.user as { kind: string }).kind === 'admin');
  const channelRelease = index((e) => e.event === 'user_release' && (e.user as { holder: string }).holder === channel);
  expect(events[adminRelease]?.cause).toBe('call-1-unload');
  expect(adminAdd).toBeLessThan(channelAdd);
  expect(channelAdd).toBeLessThan(adminRelease);
  expect(adminRelease).toBeLessThan(channelRelease);
  expect(channelRelease).toBeLessThan(at('unloading', 'chan_sip'));
  expect(at('unloading', 'chan_sip')).toBeLessThan(at('unload', 'chan_sip'));

  // Everything chan_sip pulled in stops after it, as a cascade towards the dependencies, in
  // the reverse of the load order.
  const cascaded = events.filter((e) => e.event === 'cascade_unload').map((e) => e.module as string);
  expect(new Set(cascaded)).toEqual(new Set(pulledIn.filter((m) => m !== 'chan_sip')));
  expect(events.filter((e) => e.event === 'cascade_unload').every((e) => e.direction === 'dependencies')).toBe(true);
  for (const module of cascaded) expect(at('unload', module)).toBeGreaterThan(at('unload', 'chan_sip'));
  expect(at('unload', 'pbx_config')).toBeLessThan(at('unload', 'app_dial'));
  expect(at('unload', 'chan_sip')).toBeLessThan(at('unload', 'res_rtp_asterisk'));
});
