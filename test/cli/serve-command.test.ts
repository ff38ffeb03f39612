/**
 * `modloader serve` as a real process: it logs JSON with request ids, shuts down gracefully
 * on SIGTERM (every module unloaded, exit 0), and exits non-zero naming the problem when a
 * required module cannot load, when it would listen beyond loopback without tokens, or when a
 * flag is wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sampleDirs, type SampleDirs } from '../support/sample-dirs.js';
import { captureIO } from './support/io.js';
import { freePort, serve as serveChild, type ServeRun } from './support/serve-child.js';

const runs: ServeRun[] = [];
const dirs: SampleDirs[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await d.remove();
});

function serve(args: string[]): ServeRun {
  const run = serveChild(args);
  runs.push(run);
  return run;
}

describe('modloader serve', () => {
  it('serves the sample set, logs JSON with request ids, and on SIGTERM unloads everything and exits 0', async () => {
    const d = await sampleDirs();
    dirs.push(d);
    const port = await freePort();
    const run = serve(['--modules', d.modules, '--config', d.config, '--port', String(port), '--log-level', 'debug']);
    const summary = await run.logLine((l) => typeof l.msg === 'string' && l.msg.startsWith('startup done:'));
    expect(summary.msg).toMatch(/^startup done: \d+ running, 0 declined, 0 failed in \d+\.\d\d s$/);
    expect(run.stdout()).toMatch(/no tokens in tokens\.conf: no authentication, listening on loopback only/);
    const messages = run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; loader_event?: { event: string } });
    // Listening is said once, before startup loads anything; the loads themselves are debug.
    const listening = messages.filter((l) => /listening at/i.test(l.msg));
    expect(listening.map((l) => l.msg)).toEqual([`Server listening at http://127.0.0.1:${port}`]);
    expect(messages.indexOf(listening[0]!)).toBeLessThan(messages.findIndex((l) => l.loader_event?.event === 'load'));
    expect(messages.filter((l) => l.loader_event?.event === 'load' && l.level < 30).length).toBeGreaterThan(10);
    expect(messages.filter((l) => l.loader_event?.event === 'load' && l.level >= 30)).toEqual([]);

    const health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { 'x-request-id': 'probe-1' } });
    expect(health.status).toBe(200);
    const { modules_running: running } = (await health.json()) as { modules_running: number };
    expect(running).toBeGreaterThan(10);
    expect(summary.msg).toContain(`startup done: ${running} running`);
    const requestLine = await run.logLine((l) => l.req_id === 'probe-1' && l.msg === 'request completed');
    expect(requestLine).toMatchObject({ level: 30, res: { status_code: 200 } });

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const unloads = run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { loader_event?: { event: string; cause?: string } })
      .filter((l) => l.loader_event?.event === 'unload' && l.loader_event.cause === 'shutdown');
    expect(unloads).toHaveLength(running);
    expect(run.stdout()).toMatch(new RegExp(`"msg":"shutdown done: ${running} unloaded in \\d+\\.\\d\\d s"`));
    expect(run.stdout()).toContain('"msg":"shut down"');
  });

});

describe('modloader serve refusing to start (in process)', () => {
  async function serveInProcess(args: string[], env: Record<string, string> = {}) {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const io = captureIO();
      const code = await main(['serve', '--log-level', 'silent', ...args], io);
      return { code, err: io.stderr };
    } finally {
      process.env = saved;
    }
  }

  it('exits 1 naming the module and the reason when a required module cannot load', async () => {
    const d = await sampleDirs({
      modules: { 'chan_dahdi.js': '/*** MODULEINFO\n\t<support_level>extended</support_level>\n ***/\nexport function load() {\n  return "failure";\n}\n' },
      config: { 'modules.conf': '[modules]\nrequire=chan_dahdi\n' },
    });
    dirs.push(d);
    const { code, err } = await serveInProcess(['--modules', d.modules, '--config', d.config, '--port', '0']);
    expect(code).toBe(1);
    expect(err).toMatch(/modloader serve: startup failed: .*chan_dahdi/);
    expect(err).toMatch(/\[load_failed/);
  });

  it('refuses to listen beyond loopback without tokens and exits 1', async () => {
    const d = await sampleDirs();
    dirs.push(d);
    const { code, err } = await serveInProcess(['--modules', d.modules, '--config', d.config, '--port', '0'], { MODLOADER_HOST: '0.0.0.0' });
    expect(code).toBe(1);
    expect(err).toMatch(/refusing to listen on 0\.0\.0\.0 without tokens/);
  });

  it('exits 1 naming tokens.conf and the section of a secret shorter than 16 characters, never the secret', async () => {
    const d = await sampleDirs({ config: { 'tokens.conf': '[grafana]\nsecret=Zk9v0J6c1W8y\nrole=read\n' } });
    dirs.push(d);
    const { code, err } = await serveInProcess(['--modules', d.modules, '--config', d.config, '--port', '0']);
    expect(code).toBe(1);
    expect(err).toMatch(/tokens\.conf:2: .*\[grafana\].*16/);
    expect(err).not.toContain('Zk9v0J6c1W8y');
  });

  it('exits 2 naming a wrong flag', async () => {
    const { code, err } = await serveInProcess(['--port', 'http']);
    expect(code).toBe(2);
    expect(err).toMatch(/--port/);
  });
});
