/**
 * Health that tells the truth (SPEC 9): the service answers while startup loads the modules,
 * `/health` shows how far it got, `/health/ready` is 503 until startup is done and every
 * `require` module runs (saying what is missing), and state-changing requests wait until it is
 * done. Real service, listening on a free port, real fetch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../src/http/server.js';
import { composeService, type Service } from '../../src/http/service.js';
import { sampleDirs, type SampleDirs } from '../support/sample-dirs.js';

/** A module whose load() waits for the test to let it go (module code runs in this process). */
const SLOW = `/*** MODULEINFO
\t<support_level>extended</support_level>
\t<description>Waits for the test</description>
 ***/
export async function load() {
  await globalThis.releaseSlowModule;
  return 'success';
}
`;

declare global {
  // eslint-disable-next-line no-var
  var releaseSlowModule: Promise<void> | undefined;
}

let service: Service | undefined;
let dirs: SampleDirs | undefined;
afterEach(async () => {
  await service?.close();
  await dirs?.remove();
  service = undefined;
  dirs = undefined;
  globalThis.releaseSlowModule = undefined;
});

async function serve(modulesConf: string, modules: Record<string, string> = {}): Promise<{ service: Service; url: string }> {
  dirs = await sampleDirs({ modules, config: { 'modules.conf': modulesConf } });
  service = await composeService({
    settings: { modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: 1000, load_timeout_ms: 5_000 },
    heartbeatMs: 0,
  });
  const { url } = await listen(service, { host: '127.0.0.1', port: 0 });
  return { service, url };
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, json: await response.json() };
}

describe('while startup runs', () => {
  it('answers health with progress, is not ready, holds changes until startup is done, and is ready once done', async () => {
    let release!: () => void;
    globalThis.releaseSlowModule = new Promise<void>((resolve) => (release = resolve));
    const { service: s, url } = await serve('[modules]\nautoload=no\nload=func_cut\nrequire=res_slow\nload=func_global\n', { 'res_slow.js': SLOW });
    const slowLoading = new Promise<void>((resolve) => s.loader.subscribe((e) => e.event === 'loading' && e.module === 'res_slow' && resolve()));
    const started = s.start();
    await slowLoading;

    const health = await get(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'starting', startup: { state: 'running', loading: 'res_slow', loaded: 0, modules_known: s.loader.list().length } });
    expect((await get(`${url}/health/live`)).json).toMatchObject({ status: 'ok' });

    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(ready.json).toMatchObject({ code: 'starting', missing: [{ module: 'res_slow', state: 'loading', file: 'modules.conf', line: 4 }] });

    // Reads work; a change waits for startup to end, then runs.
    expect((await get(`${url}/modules/res_slow`)).json).toMatchObject({ state: 'loading' });
    let answered = false;
    const load = get(`${url}/modules/func_uri/load`, { method: 'POST' }).finally(() => (answered = true));
    expect((await get(`${url}/health`)).json).toMatchObject({ status: 'starting' });
    expect(answered).toBe(false);
    expect(s.loader.get('func_uri').state).toBe('available');

    release();
    const summary = await started;
    expect(summary.line).toMatch(/^startup done: 3 running, 0 declined, 0 failed in \d+\.\d\d s$/);
    expect(await load).toMatchObject({ status: 200, json: { state: 'running' } });
    expect((await get(`${url}/health/ready`)).json).toMatchObject({ status: 'ready', modules_running: 4 });
    expect((await get(`${url}/health`)).json).toMatchObject({ status: 'ok', startup: { state: 'done', loaded: 3, loading: null } });
  });
});

describe('after startup', () => {
  it('is not ready while a require module does not run, naming it with file and line', async () => {
    const { service: s, url } = await serve('[modules]\nautoload=no\nrequire=func_cut\n');
    await s.start();
    expect((await get(`${url}/health/ready`)).status).toBe(200);

    expect((await get(`${url}/modules/func_cut/unload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"force":true}' })).status).toBe(200);
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ code: 'not_ready', missing: [{ module: 'func_cut', state: 'available', file: 'modules.conf', line: 3 }] });
    expect(ready.json.detail).toContain('func_cut');
    expect((await get(`${url}/health`)).json).toMatchObject({ status: 'not_ready' });

    expect((await get(`${url}/modules/func_cut/load`, { method: 'POST' })).status).toBe(200);
    expect((await get(`${url}/health/ready`)).status).toBe(200);
  });
});
