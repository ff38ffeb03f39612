/**
 * The early listener (src/http/early/): what `modloader serve` answers before its app is built
 * (the health routes, in the real routes' shapes; refusals by the Host and Origin rules), the
 * requests and upgrades it holds within bounds, and the hand-over of the same server to the
 * real service. Real servers, fetch, node:http and ws clients.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type EarlyListener, type EarlyOptions, openEarlyListener } from '../../../src/http/early/early-listener.js';
import { createLogger } from '../../../src/http/logger.js';
import { HealthSchema, LivenessSchema } from '../../../src/http/schemas/health.js';
import { ProblemSchema } from '../../../src/http/schemas/problem.js';
import { listen } from '../../../src/http/server.js';
import { composeService, type Service } from '../../../src/http/service.js';
import { httpCall } from '../support/http-request.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openEarly(options: Partial<EarlyOptions> = {}): Promise<{ early: EarlyListener; url: string }> {
  const early = await openEarlyListener({
    host: '127.0.0.1',
    port: 0,
    tokens: { enabled: false },
    listenHost: '127.0.0.1',
    bootId: '0123456789ab',
    startedAt: Date.now(),
    ...options,
  });
  cleanups.push(async () => {
    await early.close();
    if (early.server.listening) await new Promise((resolve) => early.server.close(resolve));
  });
  return { early, url: `http://127.0.0.1:${early.port}` };
}

/** Resolves once `early` holds `count` requests (each event-loop turn checks: no clock involved). */
async function holding(early: EarlyListener, count: number): Promise<void> {
  while (early.holding < count) await new Promise((resolve) => setImmediate(resolve));
}

/** A stand-in for fastify's handler: records what reached it and echoes it. */
function recordingHandler(): { seen: Array<{ method: string; url: string; sha256: string; bytes: number }>; handler: (req: IncomingMessage, res: ServerResponse) => void } {
  const seen: Array<{ method: string; url: string; sha256: string; bytes: number }> = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const entry = { method: req.method ?? '', url: req.url ?? '', sha256: '', bytes: 0 };
    seen.push(entry);
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      entry.bytes += chunk.length;
    });
    req.on('end', () => {
      entry.sha256 = hash.digest('hex');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entry));
    });
  };
  return { seen, handler };
}

describe('before the app is built', () => {
  it('answers the health routes in the shapes of the real ones: live 200, /health 200 starting, ready 503 starting', async () => {
    const { url } = await openEarly();

    const live = await fetch(`${url}/health/live`, { headers: { 'x-request-id': 'probe-1' } });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(live.headers.get('x-request-id')).toBe('probe-1');
    expect(LivenessSchema.parse(await live.json())).toEqual({ status: 'ok', uptime_s: 0 });

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(HealthSchema.parse(await health.json())).toMatchObject({ status: 'starting', boot_id: '0123456789ab', modules_running: 0, startup: { state: 'running' } });

    const ready = await fetch(`${url}/health/ready?verbose=1`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(ready.headers.get('retry-after')).toBe('1');
    const problem = ProblemSchema.parse(await ready.json());
    expect(problem).toMatchObject({ code: 'starting', status: 503, instance: '/health/ready', missing: [], startup: { state: 'running' } });
    expect(problem.request_id).toBe(ready.headers.get('x-request-id'));

    const head = await fetch(`${url}/health/live`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses a foreign Host without tokens and a change or upgrade from another origin, as the service does', async () => {
    const { early, url } = await openEarly();
    const rebound = await httpCall(url, 'GET', '/health/live', { headers: { host: 'evil.example:8088' } });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toMatchObject({ code: 'host_refused' });

    const crossSite = await httpCall(url, 'POST', '/modules/func_cut/load', {
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{"force":true}',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json).toMatchObject({ code: 'origin_refused' });

    const socket = new WebSocket(`${url.replace('http', 'ws')}/events`, { origin: 'http://evil.example' });
    const refused = await new Promise<IncomingMessage>((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res)));
    expect(refused.statusCode).toBe(403);
    expect(early.holding).toBe(0);

    // With tokens a proxy may give the service any name (and the token is checked later).
    const { url: withTokens } = await openEarly({ tokens: { enabled: true }, listenHost: '0.0.0.0' });
    expect((await httpCall(withTokens, 'GET', '/health/live', { headers: { host: 'pbx.example' } })).status).toBe(200);
  });

  it('answers a request the HTTP parser cannot read 400 problem+json', async () => {
    const { early } = await openEarly();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(early.port, '127.0.0.1');
      let text = '';
      socket.on('data', (data) => (text += data.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.write('NOT/A-METHOD / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"invalid_request"');
  });
});

describe('holding requests for the app', () => {
  it('gives held requests to the server’s own listener only once handed over, in arrival order, bodies intact', async () => {
    const { early, url } = await openEarly();
    const { seen, handler } = recordingHandler();
    early.serverFactory(handler);
    const body = Buffer.alloc(3 * 1024 * 1024, 'modloader ');
    const answers = [fetch(`${url}/a`)];
    await holding(early, 1);
    answers.push(fetch(`${url}/b?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    await holding(early, 2);
    answers.push(fetch(`${url}/c`, { method: 'DELETE' }));
    await holding(early, 3);
    expect(seen).toEqual([]);

    expect(early.handOver()).toEqual({ answered: 0, refused: 0, handedOver: 3 });
    const echoed = (await Promise.all(answers.map(async (a) => (await a).json()))) as Array<{ method: string; url: string }>;
    expect(echoed.map((e) => `${e.method} ${e.url}`)).toEqual(['GET /a', 'POST /b?x=1', 'DELETE /c']);
    expect(echoed[1]).toMatchObject({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    // Health is the app's from now on.
    expect(await (await fetch(`${url}/health/live`)).json()).toMatchObject({ method: 'GET', url: '/health/live' });
  });

  it('answers 503 starting with Retry-After past the number held and past the time held', async () => {
    const { early, url } = await openEarly({ maxHeld: 1, holdMs: 100 });
    const first = httpCall(url, 'GET', '/modules');
    await holding(early, 1);
    const second = await httpCall(url, 'POST', '/manifests/rescan');
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.json).toMatchObject({ code: 'starting', instance: '/manifests/rescan' });
    expect(second.json.detail).toMatch(/1 requests already wait/);

    const expired = await first;
    expect(expired.status).toBe(503);
    expect(expired.json).toMatchObject({ code: 'starting', instance: '/modules' });
    expect(expired.json.detail).toMatch(/within 0\.1 s/);
    expect(early.holding).toBe(0);
  });

  it('answers held requests 503 shutting_down when the service cannot start, and closes', async () => {
    const { early, url } = await openEarly();
    const waiting = httpCall(url, 'GET', '/modules');
    await holding(early, 1);
    await early.close();
    const answer = await waiting;
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json).toMatchObject({ code: 'shutting_down' });
    expect(early.server.listening).toBe(false);
  });
});

describe('the service taking the server over', () => {
  it('listens on the adopted socket, answers what was held (requests and a websocket) with the real routes, and closes it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'modloader-early-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await mkdir(join(root, 'modules'));
    await mkdir(join(root, 'config'));
    const { early, url } = await openEarly();

    // Held while nothing but the early listener runs: a read, a lint with a large body, the event stream.
    const list = fetch(`${url}/modules`);
    await holding(early, 1);
    const manifest = `${'; padding\n'.repeat(20_000)}[module]\nname=app_echo\nchecksum=fe6e406f861b9ac39ee9f699dc2fa127\nsupport_level=core\ndescription=Echo, at the end of ${20_000} lines\n`;
    const lint = fetch(`${url}/manifests/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(manifest) });
    await holding(early, 2);
    const stream = new WebSocket(`${url.replace('http', 'ws')}/events`);
    const hello = new Promise<Record<string, unknown>>((resolve, reject) => {
      stream.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
      stream.once('error', reject);
    });
    await holding(early, 3);

    const lines: Array<{ msg: string }> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string });
        done();
      },
    });
    const service: Service = await composeService({
      settings: { modules: join(root, 'modules'), config: join(root, 'config'), host: '127.0.0.1', history: 100, load_timeout_ms: 5_000 },
      logger: createLogger({ level: 'info', pretty: false, destination }),
      heartbeatMs: 0,
      serverFactory: early.serverFactory,
      bootId: early.bootId,
      startedAt: early.startedAt,
    });
    cleanups.push(() => service.close());
    expect(service.app.server).toBe(early.server);
    // Fastify's handler and @fastify/websocket's upgrade listener are attached now, the app not
    // ready: what comes in is still held.
    const late = fetch(`${url}/modules`, { headers: { 'x-request-id': 'late-1' } });
    await holding(early, 4);
    const { port } = await listen(service, { host: '127.0.0.1', port: early.port });
    expect(port).toBe(early.port);
    expect(early.handOver()).toMatchObject({ handedOver: 4 });

    expect(await (await list).json()).toEqual({ modules: [] });
    const lateAnswer = await late;
    expect(lateAnswer.headers.get('x-request-id')).toBe('late-1');
    expect(await lateAnswer.json()).toEqual({ modules: [] });
    const linted = await lint;
    expect(linted.status).toBe(200);
    expect(await linted.json()).toMatchObject({ ok: true, manifest: { name: 'app_echo', description: 'Echo, at the end of 20000 lines' } });
    expect(await hello).toMatchObject({ event: 'hello', boot_id: early.bootId });
    stream.close();

    await service.start();
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', boot_id: early.bootId });
    expect(lines.filter((l) => /listening at/i.test(l.msg)).map((l) => l.msg)).toEqual([`Server listening at ${url}`]);

    await service.close();
    expect(early.server.listening).toBe(false);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
