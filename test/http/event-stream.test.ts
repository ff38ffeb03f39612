/**
 * The event stream over a listening server and real websocket clients (SPEC 10): every frame
 * is a message of the AsyncAPI document's schemas; filters, resume with since=, gaps,
 * heartbeats, and a slow subscriber cut off without holding up anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SLOW_SUBSCRIBER } from '../../src/http/events/hub.js';
import { StreamMessageSchema } from '../../src/http/schemas/events.js';
import { startService, type TestService } from './support/service.js';
import { eventsOf, openStream } from './support/ws-client.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true, history: 200, heartbeatMs: 100, maxBufferedBytes: 16 * 1024, closeGraceMs: 60_000 });
});
afterAll(async () => s?.stop());

/** Loads and unloads func_cut; resolves with the seq of the last event it caused. */
async function cycle(service: TestService = s): Promise<number> {
  await service.loader.load('func_cut');
  await service.loader.unload('func_cut');
  return service.loader.nextSeq - 1;
}

describe('live events', () => {
  it('carries seq, time, event, module, op and cause, as the AsyncAPI schemas say', async () => {
    const client = await openStream(s.url);
    const result = await s.loader.load('func_cut', { cause: 'req-live' });
    const last = s.loader.nextSeq - 1;
    await client.waitFor((m) => m.seq === last);
    await s.loader.unload('func_cut');
    const load = client.messages.find((m) => m.event === 'load' && m.module === 'func_cut');
    expect(load).toMatchObject({ seq: expect.any(Number), module: 'func_cut', op: result.op, cause: 'req-live', state: 'running' });
    expect(new Date(String(load?.time)).toISOString()).toBe(load?.time);
    for (const message of client.messages) expect(StreamMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(true);
    await client.close();
  });

  it('filters by event name and by module glob', async () => {
    const names = await openStream(s.url, '?events=load,unload');
    const modules = await openStream(s.url, '?module=func_*');
    await s.loader.load('app_playback', { cause: 'x' }).catch(() => undefined);
    const last = await cycle();
    await names.waitFor((m) => m.event === 'unload' && m.module === 'func_cut');
    await modules.waitFor((m) => m.seq === last);
    expect(new Set(eventsOf(names.messages).map((m) => m.event))).toEqual(new Set(['load', 'unload']));
    expect(eventsOf(modules.messages).every((m) => String(m.module).startsWith('func_'))).toBe(true);
    await Promise.all([names.close(), modules.close()]);
  });

  it('sends heartbeats', async () => {
    const client = await openStream(s.url);
    expect(await client.waitFor((m) => m.event === 'heartbeat')).toMatchObject({ next_seq: expect.any(Number) });
    await client.close();
  });
});

describe('resume with since=', () => {
  it('replays what came after the given seq, says live, then goes on live, without gaps', async () => {
    const from = s.loader.nextSeq - 1;
    await cycle();
    const client = await openStream(s.url, `?since=${from}`);
    const live = await client.waitFor((m) => m.event === 'live');
    const last = await cycle();
    await client.waitFor((m) => m.seq === last);
    const seqs = eventsOf(client.messages).map((m) => m.seq as number);
    expect(seqs).toEqual(Array.from({ length: last - from }, (_, i) => from + 1 + i));
    expect(client.messages[0]).toMatchObject({ event: 'hello' });
    expect(client.messages.indexOf(live)).toBe(1 + seqs.indexOf(live.next_seq as number));
    await client.close();
  });

  it('says which events it no longer holds instead of skipping them', async () => {
    while (s.loader.nextSeq < 400) await cycle();
    const client = await openStream(s.url, '?since=1');
    const gap = await client.waitFor((m) => m.event === 'gap');
    const first = eventsOf(client.messages)[0];
    expect(gap).toMatchObject({ from: 2, reason: 'history_exhausted' });
    expect(first?.seq).toBe((gap.to as number) + 1);
    await client.close();
  });
});

describe('a slow subscriber', () => {
  // Without heartbeats: a paused client also stops answering pings, and would be dropped as dead.
  let q: TestService;
  beforeAll(async () => {
    q = await startService({ listen: true, heartbeatMs: 0, maxBufferedBytes: 1024 * 1024, closeGraceMs: 60_000 });
  });
  afterAll(async () => q?.stop());

  /** 500 calls (channels) at once through chan_sip's Originate: 500 user_add events in one burst. */
  async function burst(): Promise<void> {
    const originate = q.loader.provider<(args: object) => Promise<unknown>>('manager', 'Originate')!;
    await Promise.all(Array.from({ length: 500 }, () => originate({ peer: 'load' })));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('is cut off with a final message while another keeps receiving everything', async () => {
    const slow = await openStream(q.url);
    const fast = await openStream(q.url);
    const first = q.loader.nextSeq;
    slow.socket.pause();
    for (let i = 0; i < 400 && q.hub.subscriberCount === 2; i++) await burst();
    expect(q.hub.subscriberCount).toBe(1);
    await burst();
    const last = q.loader.nextSeq - 1;
    await fast.waitFor((m) => m.seq === last);
    expect(eventsOf(fast.messages).map((m) => m.seq)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));

    slow.socket.resume();
    const final = await slow.waitFor((m) => m.event === 'cut_off', 'the cut_off message');
    expect(final).toMatchObject({ reason: 'slow_subscriber', last_seq: expect.any(Number) });
    expect((await slow.closed).code).toBe(CLOSE_SLOW_SUBSCRIBER);
    const received = eventsOf(slow.messages).map((m) => m.seq as number);
    expect(received.at(-1)).toBe(final.last_seq);
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => first + i));
    expect(received.length).toBeLessThan(last - first + 1);
    await fast.close();
  });
});
