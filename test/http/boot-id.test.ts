/**
 * Ids across restarts (SPEC 10): each start of the service has a fresh boot id, user ids end
 * with it, /health and the stream's first message say it, and a `since=` from an earlier boot
 * is answered with a gap. Two services over the same directories, one after the other, stand
 * for a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../src/http/service.js';
import { listen } from '../../src/http/server.js';
import { StreamMessageSchema } from '../../src/http/schemas/events.js';
import { sampleDirs, type SampleDirs } from '../support/sample-dirs.js';
import { call } from './support/call.js';
import { eventsOf, openStream } from './support/ws-client.js';

let dirs: SampleDirs;
let first: { service: Service; bootId: string; userId: string; lastSeq: number };
let second: Service;
let url: string;

async function start(): Promise<Service> {
  return createService({
    heartbeatMs: 0,
    settings: { modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: 10_000, load_timeout_ms: 5000 },
  });
}

beforeAll(async () => {
  dirs = await sampleDirs();
  const service = await start();
  const hold = await call(service.app, 'POST', '/modules/func_cut/users', { body: { holder: 'before-restart' } });
  expect(hold.status).toBe(201);
  const health = await call(service.app, 'GET', '/health');
  first = { service, bootId: health.json.boot_id, userId: hold.json.id, lastSeq: service.loader.nextSeq - 1 };
  await service.close();
  second = await start();
  url = (await listen(second, { host: '127.0.0.1', port: 0 })).url;
});

afterAll(async () => {
  await second?.close();
  await dirs?.remove();
});

describe('after a restart', () => {
  it('says a new, short, unguessable boot id in /health', async () => {
    const health = await call(second.app, 'GET', '/health');
    expect(health.json.boot_id).toMatch(/^[0-9a-f]{12}$/);
    expect(first.bootId).toMatch(/^[0-9a-f]{12}$/);
    expect(health.json.boot_id).not.toBe(first.bootId);
  });

  it('gives user ids that no user of an earlier boot had, so a stale DELETE releases nothing', async () => {
    const hold = await call(second.app, 'POST', '/modules/func_cut/users', { body: { holder: 'after-restart' } });
    expect(hold.status).toBe(201);
    expect(hold.json.id).not.toBe(first.userId);
    const stale = await call(second.app, 'DELETE', `/users/${first.userId}`);
    expect(stale.json).toMatchObject({ status: 404, code: 'user_not_found' });
    expect(second.loader.users().map((u) => u.id)).toContain(hold.json.id);
    expect((await call(second.app, 'DELETE', `/users/${hold.json.id}`)).status).toBe(200);
  });

  it("starts every stream with hello: the boot id and the next event's seq", async () => {
    const bootId = (await call(second.app, 'GET', '/health')).json.boot_id;
    const stream = await openStream(url);
    const hello = await stream.waitFor((m) => m.event === 'hello');
    expect(stream.messages[0]).toBe(hello);
    expect(hello).toMatchObject({ boot_id: bootId, next_seq: second.loader.nextSeq });
    expect(StreamMessageSchema.safeParse(hello).success).toBe(true);
    await stream.close();
  });

  it('answers since= from an earlier boot with a gap, then replays this boot from its start', async () => {
    const stream = await openStream(url, `?since=${first.lastSeq}&boot=${first.bootId}`);
    const live = await stream.waitFor((m) => m.event === 'live');
    const [hello, gap] = stream.messages;
    expect(hello).toMatchObject({ event: 'hello' });
    expect(gap).toMatchObject({ event: 'gap', reason: 'restarted', from: first.lastSeq + 1, to: null, boot_id: first.bootId });
    expect(StreamMessageSchema.safeParse(gap).success).toBe(true);
    const seqs = eventsOf(stream.messages).map((m) => m.seq);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe((live.next_seq as number) - 1);
    await stream.close();
  });

  it('replays as usual when boot= is this boot', async () => {
    const bootId = (await call(second.app, 'GET', '/health')).json.boot_id;
    const since = second.loader.nextSeq - 3;
    const stream = await openStream(url, `?since=${since}&boot=${bootId}`);
    await stream.waitFor((m) => m.event === 'live');
    expect(stream.messages.map((m) => m.seq ?? m.event)).toEqual(['hello', since + 1, since + 2, 'live']);
    await stream.close();
  });

  it('refuses boot= without since= and a boot id that is not one', async () => {
    expect((await call(second.app, 'GET', `/events?boot=${first.bootId}`)).json.code).toBe('invalid_request');
    expect((await call(second.app, 'GET', '/events?since=1&boot=../x')).json.code).toBe('invalid_request');
  });
});
