/**
 * The boot figure (issue 14, item 2): how long `modloader serve` takes from spawn to its first
 * answer, against bare Node. The service runs exactly as `modloader serve` runs it (the
 * compiled `bin/modloader.js`, default info logging, stdout not a terminal) over an empty
 * module directory and an empty config directory; the baseline is `node -e` with a
 * `node:http` server answering the same request. Each run spawns both (alternating which goes
 * first), times spawn → the first 200 to `GET /health/live` (the client tries again every
 * {@link RETRY_MS} until one comes), then kills the child. The ratio is the median of the
 * per-run ratios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureOf, pairedRatio, type FigureResult } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';

/** Figure 12 of the suite: issue 14's boot target. */
export const BOOT_FIGURE_ID = 12;

/** The compiled command, as installed: bench/figures/boot.js is dist/bench/figures/. */
const MODLOADER = fileURLToPath(new URL('../../../bin/modloader.js', import.meta.url));

/** How long the client waits before trying again while nothing answers yet. */
const RETRY_MS = 2;

/** The baseline: a bare node:http server answering what the service's liveness route answers. */
const BARE_SERVER = `require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ status: 'ok', uptime_s: Math.round(process.uptime()) }));
  })
  .listen(Number(process.argv[1]), '127.0.0.1');`;

export async function bootFigure(ctx: BenchContext): Promise<FigureResult[]> {
  const pairs = ctx.quick ? 4 : Math.max(30, ctx.runs);
  const modules = join(ctx.tmpDir, 'boot', 'modules');
  const config = join(ctx.tmpDir, 'boot', 'config');
  await mkdir(modules, { recursive: true });
  await mkdir(config, { recursive: true });
  const service = (port: number): ChildProcess =>
    spawn(process.execPath, [MODLOADER, 'serve', '--modules', modules, '--config', config, '--host', '127.0.0.1', '--port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const bare = (port: number): ChildProcess => spawn(process.execPath, ['-e', BARE_SERVER, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });

  progress('boot figure: warm-up (the page cache)');
  await timeToFirstAnswer(service);
  await timeToFirstAnswer(bare);
  const measuredRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let run = 1; run <= pairs; run += 1) {
    const sides = [async () => measuredRuns.push(await timeToFirstAnswer(service)), async () => baselineRuns.push(await timeToFirstAnswer(bare))];
    if (run % 2 === 0) sides.reverse();
    for (const side of sides) await side();
    progress(`boot figure: run ${run}/${pairs}: modloader serve ${measuredRuns.at(-1)!.toFixed(0)} ms, bare node ${baselineRuns.at(-1)!.toFixed(0)} ms`);
  }
  const m = measureOf(measuredRuns, 'ms');
  const b = measureOf(baselineRuns, 'ms');
  return [
    {
      id: BOOT_FIGURE_ID,
      title: 'spawn → first `GET /health/live` answer, empty module and config directories',
      measured: m,
      baseline: b,
      ratio: pairedRatio(m, b),
      target: { compare: 'at_most', value: 2, unit: '×' },
      notes: [
        `\`node bin/modloader.js serve\` (info logging to a pipe) over an empty module and config directory, against \`node -e\` with a bare \`node:http\` server answering the same request; ` +
          `spawn to the first 200, the client trying again every ${RETRY_MS} ms, ${pairs} pairs alternating which side goes first, median of the per-pair ratios.`,
      ],
    },
  ];
}

/** Spawns a server on a free port, times spawn → the first 200 of `GET /health/live`, kills it. */
async function timeToFirstAnswer(start: (port: number) => ChildProcess): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = start(port);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (;;) {
      if ((await liveness(port)) === 200) return performance.now() - started;
      if (gone) throw new Error(`boot figure: the server exited before answering: ${stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The status of one `GET /health/live` on a fresh connection; undefined when it cannot connect. */
function liveness(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health/live', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
      res.once('error', () => resolve(undefined));
    });
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
