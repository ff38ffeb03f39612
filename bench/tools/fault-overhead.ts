/**
 * What fault containment (SPEC 6.16, src/host/fault/) costs a load: load and unload cycles of
 * a graph of trivial real module files (figure 3's modules) through a Loader, loads per second,
 * on four hosts measured in turns:
 *
 * - `bare`: the Node.js host's import without module scopes (`importBinary` as it was);
 * - `scoped`: `createNodeHost` as shipped: each import and hook in `AsyncLocalStorage.run`;
 * - `contained`: the same with `containFaults` installed (fault guard and runaway watchdog);
 * - `vm-guarded`: the rejected alternative that could stop a runaway hook: each hook called
 *   through `vm.Script#runInThisContext({ timeout })` (Node.js starts and joins a watchdog
 *   thread per call).
 *
 * Then the process-wide part: `AsyncLocalStorage` tags every promise made anywhere while any
 * storage is in use, so once a module has been imported every HTTP request pays a little too.
 * `GET /health` on the same service (no modules) in two processes, one where no module scope
 * was ever entered and one where one was: server CPU time per request under autocannon (50
 * connections, 3 s per run).
 *
 * Each measurement runs in a fresh child process: once any `AsyncLocalStorage` has run, Node.js
 * keeps its promise hooks on for the life of the process, so sides sharing a process would all
 * pay for them. Reported: the median wall time and main-thread CPU time per cycle.
 *
 * Usage: `npm run build && node dist/bench/tools/fault-overhead.js [--modules N] [--runs N]`.
 */
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import vm from 'node:vm';
import { pino } from 'pino';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import type { LoaderHost, ModuleExports } from '../../src/core/types.js';
import { containFaults } from '../../src/host/fault/contain-faults.js';
import { importBinary } from '../../src/host/import-binary.js';
import { createNodeHost } from '../../src/host/node-host.js';
import { generateGraph } from '../graph/generate-graph.js';
import { openScope, runInScope } from '../../src/host/fault/module-scope.js';
import { listen } from '../../src/http/server.js';
import { createService } from '../../src/http/service.js';
import { serveRequests, startChild } from '../servers/ipc.js';
import { binaryPath, writeModuleFiles } from '../support/module-files.js';
import { writeServiceDirs } from '../support/service-fixture.js';
import { median } from '../support/stats.js';

const HOOKS = ['load', 'unload'] as const;
type Side = 'bare' | 'scoped' | 'contained' | 'vm-guarded';

/** Calls `fn` behind vm's own watchdog, the one boundary that turns a runaway into an error. */
function vmGuarded(exports: ModuleExports, timeoutMs: number): ModuleExports {
  const key = Symbol.for('modloader.bench.guarded-call');
  const script = new vm.Script(`globalThis[Symbol.for('modloader.bench.guarded-call')]()`);
  const wrapped = Object.create(exports) as Record<string, unknown>;
  for (const hook of HOOKS) {
    const fn = exports[hook] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    wrapped[hook] = (...args: unknown[]) => {
      (globalThis as Record<symbol, unknown>)[key] = () => fn.apply(exports, args);
      return script.runInThisContext({ timeout: timeoutMs, displayErrors: false });
    };
  }
  return wrapped as unknown as ModuleExports;
}

interface Measure {
  wallMs: number;
  cpuMs: number;
}

/** One child process: a warm-up cycle, then one measured load + unload of the whole graph. */
async function measureSide(side: Side, dir: string, size: number): Promise<Measure> {
  const logger = pino({ level: 'silent' });
  const graph = generateGraph({ modules: size, edges: size * 5, seed: 20240611 });
  const manifests = await writeModuleFiles(dir, graph.manifests);
  const scan = { manifests, binaries: new Map(manifests.map((m) => [m.name, m.checksum])) };
  const hostFor = (): LoaderHost => {
    const host = createNodeHost({ modulesDir: dir, configDir: dir, logger });
    if (side === 'bare') return { ...host, importLib: (name) => importBinary(name, binaryPath(dir, name)) };
    if (side === 'vm-guarded') return { ...host, importLib: async (name) => vmGuarded(await importBinary(name, binaryPath(dir, name)), 10_000) };
    return host;
  };
  const containment = side === 'contained' ? containFaults({ modulesDir: dir, loadTimeoutMs: 10_000, logger, onUnattributable: () => undefined }) : null;
  // Every side waits the same: the watchdog's worker boots (its own isolate) meanwhile, a
  // one-off cost of the process start that the measured cycle should not count.
  await new Promise((resolve) => setTimeout(resolve, 500));
  let measure: Measure = { wallMs: 0, cpuMs: 0 };
  try {
    for (const measured of [false, true]) {
      const loader = new Loader({ host: hostFor(), scan, policy: emptyPolicy() });
      containment?.attach(loader);
      const cpu = process.cpuUsage();
      const start = performance.now();
      await loader.load(graph.root);
      await loader.unload(graph.root);
      const used = process.cpuUsage(cpu);
      if (measured) measure = { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
    }
  } finally {
    await containment?.close();
  }
  return measure;
}

/** Child process: the service over `dir`, with module scopes in use (`on`) or never entered. */
async function httpChild(dir: string, scopes: boolean): Promise<void> {
  const service = await createService({
    settings: { modules: join(dir, 'modules'), config: join(dir, 'config'), host: '127.0.0.1', history: 10_000, load_timeout_ms: 10_000 },
    logger: pino({ level: 'silent' }),
    heartbeatMs: 0,
  });
  if (scopes) runInScope(openScope('bench_scope'), () => undefined);
  const { url } = await listen(service, { host: '127.0.0.1', port: 0 });
  const cpu = async (): Promise<number> => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  serveRequests({ url }, { cpu }, () => service.close());
}

/** Server CPU µs per `GET /health`, median of `runs`, without and with module scopes in use. */
async function httpCost(dir: string, runs: number): Promise<{ off: number; on: number }> {
  const dirs = await writeServiceDirs(join(dir, 'http'), [], { autoload: false });
  const result = { off: [] as number[], on: [] as number[] };
  for (const side of ['off', 'on'] as const) {
    const child = await startChild(fileURLToPath(import.meta.url), ['--http-child', side, '--dir', join(dirs.modulesDir, '..')]);
    try {
      const url = `${String(child.ready['url'])}/health`;
      await autocannon({ url, connections: 50, duration: 1 });
      for (let run = 0; run < runs; run += 1) {
        const before = await child.request<number>('cpu');
        const done = await autocannon({ url, connections: 50, duration: 3 });
        result[side].push((((await child.request<number>('cpu')) - before) * 1000) / done.requests.total);
      }
    } finally {
      await child.stop();
    }
  }
  return { off: median(result.off), on: median(result.on) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      modules: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '5' },
      side: { type: 'string' },
      dir: { type: 'string' },
      'http-child': { type: 'string' },
    },
  });
  const size = Number(values.modules);
  if (values['http-child'] !== undefined) return httpChild(values.dir!, values['http-child'] === 'on');
  if (values.side !== undefined) {
    process.stdout.write(JSON.stringify(await measureSide(values.side as Side, values.dir!, size)));
    return;
  }
  const runs = Number(values.runs);
  const tmp = await mkdtemp(join(tmpdir(), 'modloader-fault-overhead-'));
  try {
    const sides: Side[] = ['bare', 'scoped', 'contained', 'vm-guarded'];
    const measures = new Map<Side, Measure[]>(sides.map((side) => [side, []]));
    for (let run = 0; run < runs; run += 1) {
      // Each run takes the sides in a different order.
      const order = sides.map((_, i) => sides[(i + run) % sides.length]!);
      for (const side of order) {
        const args = [fileURLToPath(import.meta.url), '--side', side, '--dir', join(tmp, `${side}-${run}`), '--modules', String(size)];
        measures.get(side)!.push(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Measure);
      }
      process.stderr.write(`run ${run + 1}/${runs}: ${order.map((side) => `${side} ${measures.get(side)!.at(-1)!.cpuMs.toFixed(0)} ms CPU`).join(', ')}\n`);
    }
    const bare = measures.get('bare')!;
    process.stdout.write(`load + unload of ${size} trivial module files, each side in its own process, median of ${runs} runs (Node.js ${process.version})\n`);
    process.stdout.write(`side         wall ms  loads/s   CPU ms  CPU vs bare (median of the runs' ratios)\n`);
    for (const side of sides) {
      const wall = median(measures.get(side)!.map((m) => m.wallMs));
      const cpu = median(measures.get(side)!.map((m) => m.cpuMs));
      const ratio = median(measures.get(side)!.map((m, run) => m.cpuMs / bare[run]!.cpuMs));
      process.stdout.write(`${side.padEnd(11)} ${wall.toFixed(0).padStart(8)} ${((size / wall) * 1000).toFixed(0).padStart(8)} ${cpu.toFixed(0).padStart(8)}  ${ratio.toFixed(2)}x\n`);
    }
    const http = await httpCost(tmp, runs);
    process.stdout.write(
      `GET /health, server CPU per request: ${http.off.toFixed(1)} µs with no module scope ever entered, ${http.on.toFixed(1)} µs once one was (${(http.on / http.off).toFixed(2)}x)\n`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
