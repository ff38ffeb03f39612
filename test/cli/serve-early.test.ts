/**
 * `modloader serve` answers before fastify is imported (docs/operations.md, "The first
 * instants"), as a real child process. A test preload (support/hold-fastify.mjs) holds the
 * import of fastify until the test releases it and reports, for each request the server
 * receives, whether fastify is in the module cache then: so the early phase lasts exactly as
 * long as the test needs, without any timing.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpCall } from '../http/support/http-request.js';
import { freePort, serve, type ServeRun } from './support/serve-child.js';

const HOLD_FASTIFY = fileURLToPath(new URL('./support/hold-fastify.mjs', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `modloader serve` over empty module and config directories, fastify held until `release()`. */
async function serveHeld(): Promise<{ run: ServeRun; url: string; release(): void; received(method: string, url: string): Promise<{ fastify: boolean }> }> {
  const root = await mkdtemp(join(tmpdir(), 'modloader-serve-early-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'modules'));
  await mkdir(join(root, 'config'));
  const port = await freePort();
  const run = serve(['--modules', join(root, 'modules'), '--config', join(root, 'config'), '--port', String(port), '--log-level', 'debug'], {
    env: { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${HOLD_FASTIFY}` },
    ipc: true,
  });
  cleanups.push(async () => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await run.exited;
  });
  await run.message((m) => m['listening'] === port);
  return {
    run,
    url: `http://127.0.0.1:${port}`,
    release: () => run.child.send('release'),
    received: async (method, url) => {
      const { request } = await run.message((m) => {
        const r = m['request'] as { method: string; url: string } | undefined;
        return r?.method === method && r.url === url;
      });
      return request as { fastify: boolean };
    },
  };
}

describe('modloader serve before fastify is imported', () => {
  it('answers health and refuses foreign Hosts and origins at once, holds the rest, and answers it once the app is ready', async () => {
    const { run, url, release, received } = await serveHeld();

    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    expect(await received('GET', '/health/live')).toEqual(expect.objectContaining({ fastify: false }));
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ status: 'starting', startup: { state: 'running' } });
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'starting' });

    const rebound = await httpCall(url, 'GET', '/health/live', { headers: { host: 'evil.example' } });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toMatchObject({ code: 'host_refused' });
    const crossSite = await httpCall(url, 'POST', '/manifests/check', {
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: '[module]\nname=x\n',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json).toMatchObject({ code: 'origin_refused' });

    // Sent while the app cannot be built yet: held, then answered by the real routes.
    const list = fetch(`${url}/modules`, { headers: { 'x-request-id': 'held-1' } });
    expect(await received('GET', '/modules')).toEqual(expect.objectContaining({ fastify: false }));
    const manifest = `${'; padding\n'.repeat(20_000)}[module]\nname=app_echo\nchecksum=fe6e406f861b9ac39ee9f699dc2fa127\nsupport_level=core\ndescription=Echo, after 20000 lines\n`;
    const lint = fetch(`${url}/manifests/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'held-2' },
      body: JSON.stringify(manifest),
    });
    expect(await received('POST', '/manifests/check')).toEqual(expect.objectContaining({ fastify: false }));
    expect(run.stdout()).not.toMatch(/listening at/i);

    release();
    expect(await (await list).json()).toEqual({ modules: [] });
    const linted = await lint;
    expect(linted.status).toBe(200);
    expect(await linted.json()).toMatchObject({ ok: true, manifest: { name: 'app_echo', description: 'Echo, after 20000 lines' } });

    await run.logLine((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('startup done:'));
    expect((await fetch(`${url}/health/ready?after=startup`)).status).toBe(200);
    // The probe itself sees fastify once it is loaded.
    expect(await received('GET', '/health/ready?after=startup')).toEqual(expect.objectContaining({ fastify: true }));
    const lines = run.lines();
    // Handed over in arrival order; "Server listening at" said once, by fastify.
    const incoming = lines.filter((l) => l['msg'] === 'incoming request' && String(l['req_id']).startsWith('held-')).map((l) => l['req_id']);
    expect(incoming).toEqual(['held-1', 'held-2']);
    expect(lines.filter((l) => /listening at/i.test(String(l['msg']))).map((l) => l['msg'])).toEqual([`Server listening at ${url}`]);
    expect(lines.find((l) => l['early'] !== undefined)).toMatchObject({ early: { answered: 3, refused: 2, handedOver: 2 } });

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('"msg":"shut down"');
  });
});
