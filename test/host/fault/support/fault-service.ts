/**
 * A real `modloader serve` process over a module directory of the test's own modules (written
 * to a temp dir, manifests generated), started through vite-node from the sources as
 * test/cli does, the module files being imported by Node.js itself. Fault containment is process-wide (handlers on `process`, a watchdog thread,
 * the process's exit), so it is tested where it lives: in a process of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests } from '../../../../src/manifest/generate/generate.js';
import { packageRoot } from '../../../../src/http/settings.js';

/** A module file: MODULEINFO with `uses` (module names), then `code`. */
export function moduleSource(code: string, uses: string[] = []): string {
  const lines = uses.map((name) => `\t<use type="module">${name}</use>`);
  return `/*** MODULEINFO\n${[...lines, '\t<support_level>extended</support_level>'].join('\n')}\n ***/\n${code}\n`;
}

export interface FaultService {
  url: string;
  /** The end of the process (its output all read): status, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** The JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
  /** Sends the process a signal. */
  kill(signal: NodeJS.Signals): void;
  /** Ends the process if it still runs, and removes the temp dirs. */
  remove(): Promise<void>;
}

/**
 * Writes `modules` (file name → source) and a modules.conf that loads `load`, then starts the
 * service on a free port with `MODLOADER_LOAD_TIMEOUT_MS=loadTimeoutMs` and resolves once it
 * listens.
 */
export async function startFaultService(options: { modules: Record<string, string>; load: string[]; loadTimeoutMs: number }): Promise<FaultService> {
  const root = await mkdtemp(join(tmpdir(), 'modloader-faults-'));
  const modulesDir = join(root, 'fault-modules');
  const configDir = join(root, 'config');
  await mkdir(modulesDir);
  await mkdir(configDir);
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const [file, text] of Object.entries(options.modules)) await writeFile(join(modulesDir, file), text);
  const generated = await generateManifests(modulesDir);
  if (generated.errors.length > 0) throw new Error(`test modules: ${JSON.stringify(generated.errors)}`);
  await writeFile(join(configDir, 'modules.conf'), `[modules]\nautoload=no\n${options.load.map((name) => `load=${name}\n`).join('')}`);

  const repo = packageRoot();
  const child: ChildProcess = spawn(
    join(repo, 'node_modules/.bin/vite-node'),
    // The module files themselves are imported by Node.js, as in production, not by vite-node.
    ['--options.deps.external=/fault-modules/', join(repo, 'test/cli/support/run-cli.ts'), 'serve', '--modules', modulesDir, '--config', configDir, '--port', '0'],
    { cwd: repo, env: { ...process.env, MODLOADER_LOAD_TIMEOUT_MS: String(options.loadTimeoutMs), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const logs = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  // The service listens before it loads the modules: wait for the URL and for startup's summary
  // line ("startup done: …"), after which state-changing requests are taken.
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = logs();
      // "listening on <url>" (ours) or "Server listening at <url>" (fastify's).
      const listening = lines.map((line) => /listening (?:on|at) (http:\/\/[^\s,]+)/.exec(String(line.msg))?.[1]).find((found) => found !== undefined);
      const started = lines.some((line) => String(line.msg).startsWith('startup done'));
      if (listening && started) resolve(listening);
    });
    void exited.then(({ code, signal }) => reject(new Error(`modloader serve ended (${code ?? signal}) before startup was done:\n${err}`)));
  });

  return {
    url,
    exited,
    stderr: () => err,
    logs,
    kill: (signal) => child.kill(signal),
    async remove() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
