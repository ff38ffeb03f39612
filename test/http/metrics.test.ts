/**
 * `/metrics` as Prometheus reads it: counted from the first request although prom-client is
 * only loaded by the first scrape, the default Node.js metrics under their standard names, and
 * the whole exposition accepted by `promtool check metrics` (Debian's prometheus package; .ci/run
 * installs it, and the check says so and passes nothing off when it is absent).
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../src/manifest/generate/generate.js';
import { call } from './support/call.js';
import { startService, type TestService } from './support/service.js';

const loaded = (): string[] => Object.keys(createRequire(import.meta.url).cache);
const promtool = spawnSync('promtool', ['--version']).status === 0;

let s: TestService;
beforeAll(async () => {
  s = await startService({ processMetrics: true });
});
afterAll(async () => s?.stop());

describe('the boot path', () => {
  it('loads neither prom-client, the docs stack, ajv nor pino-pretty before they are needed', async () => {
    expect((await call(s.app, 'GET', '/health/ready')).status).toBe(200);
    expect((await call(s.app, 'POST', '/modules/func_cut/load')).status).toBe(200);
    const early = loaded().filter((file) => /node_modules\/(prom-client|@fastify\/swagger|@fastify\/static|ajv|pino-pretty)\//.test(file));
    expect(early).toEqual([]);
  });
});

describe('GET /metrics', () => {
  it('counts the requests answered before prom-client was loaded, by route and status', async () => {
    await call(s.app, 'GET', '/modules/chan_sip');
    await call(s.app, 'GET', '/modules/no_such_module');
    await call(s.app, 'GET', '/no/such/route');
    const answer = await call(s.app, 'GET', '/metrics');
    expect(loaded().some((file) => file.includes('node_modules/prom-client/'))).toBe(true);
    expect(answer.body).toContain('modloader_http_requests_total{method="GET",route="/health/ready",status="200"} 1');
    expect(answer.body).toContain('modloader_http_requests_total{method="POST",route="/modules/:name/load",status="200"} 1');
    expect(answer.body).toContain('modloader_http_requests_total{method="GET",route="/modules/:name",status="200"} 1');
    expect(answer.body).toContain('modloader_http_requests_total{method="GET",route="/modules/:name",status="404"} 1');
    expect(answer.body).toContain('modloader_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(answer.body).toMatch(/modloader_http_request_duration_seconds_bucket\{method="GET",route="\/modules\/:name",le="\+Inf"\} 2/);
  });

  it('says what an operator alerts on: readiness, modules, users by kind, stale modules, reloads, the version', async () => {
    const reload = await call(s.app, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    const { body } = await call(s.app, 'GET', '/metrics');
    expect(body).toContain('modloader_ready 1');
    expect(body).toMatch(/^modloader_startup_duration_seconds \d/m);
    expect(body).toContain('modloader_module_running{module="chan_sip"} 1');
    expect(body).toContain('modloader_module_running{module="app_system"} 0');
    expect(body).toContain(`modloader_module_users{module="chan_sip"} ${s.loader.get('chan_sip').use_count}`);
    expect(body).toContain(`modloader_users{kind="config"} ${s.loader.users({ kind: 'config' }).length}`);
    expect(body).toContain('modloader_modules_stale 0');
    expect(body).toContain('modloader_config_reloads_total{result="ok"} 1');
    expect(body).toContain('modloader_config_last_reload_successful 1');
    expect(body).toMatch(/modloader_build_info\{version="\d+\.\d+\.\d+",node_version="v\d+/);
    // Node's defaults keep their standard names; only the service's own carry the prefix.
    expect(body).toMatch(/^process_cpu_seconds_total /m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(body).not.toMatch(/^modloader_(process|nodejs)_/m);
  });

  const title = promtool
    ? 'passes promtool check metrics'
    : 'passes promtool check metrics (skipped: promtool is not installed; it comes with Debian\'s prometheus package)';
  it.skipIf(!promtool)(title, async () => {
    const { body } = await call(s.app, 'GET', '/metrics');
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
      child.stdin!.end(body);
    });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('modloader_modules_stale', () => {
  it('counts running modules whose binary changed on disk, until they stop', async () => {
    const t = await startService();
    try {
      await appendFile(join(t.dirs.modules, 'chan_sip.js'), '\n// patched\n');
      await generateManifests(t.dirs.modules);
      expect((await call(t.app, 'POST', '/manifests/rescan')).json.rescan.stale).toEqual(['chan_sip']);
      expect((await call(t.app, 'GET', '/metrics')).body).toContain('modloader_modules_stale 1');
      expect((await call(t.app, 'POST', '/modules/chan_sip/unload', { body: { force: true } })).status).toBe(200);
      expect((await call(t.app, 'GET', '/metrics')).body).toContain('modloader_modules_stale 0');
    } finally {
      await t.stop();
    }
  });
});
