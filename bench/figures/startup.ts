/**
 * Figures 10 and 11: a service starting a real PBX. The module graph of a real Asterisk tree
 * (asterisk-graph.ts, 387 modules) as stub module files with manifests, started by `modloader
 * serve` itself (a process of its own, the default info logging on stdout, read to the end by
 * the bench as a supervisor would), timed from spawn until it is ready (`GET /health/ready`
 * answers 200: every module started), against the fastest bare ways to start the same files
 * (bare-start.ts, ready when `GET /health` answers): a script importing them in dependency
 * order and calling `load()` (figure 10, at 387 modules and at ten copies of the graph), and
 * the same modules as avvio plugins (figure 11). Figure 12, the fixed cost of an empty service,
 * is boot.ts. Each run starts every side once, rotating which goes first.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asteriskGraph, ASTERISK_GRAPH_FILE } from '../graph/asterisk-graph.js';
import { kahnOrder } from '../graph/kahn.js';
import { measureOf, pairedRatio, type FigureResult, type Measure } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { startServer, type StartedServer } from '../support/spawn-server.js';
import { median } from '../support/stats.js';
import { writeServiceDirs } from '../support/service-fixture.js';

const MODLOADER = fileURLToPath(new URL('../../../bin/modloader.js', import.meta.url));
const BARE_START = fileURLToPath(new URL('../servers/bare-start.js', import.meta.url));

interface Side {
  name: string;
  command: string[];
  /** How many modules its ready answer must say run. */
  expect: number;
  /** What answers 200 once it is ready: `/health/ready` for the service, `/health` for the bare sides. */
  readyPath: string;
}

interface SideRuns {
  start: Measure;
  /** Median CPU time used until /health answered (ms). */
  cpuMs: number;
  stopMs: number;
}

export async function startupFigures(ctx: BenchContext): Promise<FigureResult[]> {
  const copies = ctx.quick ? 2 : 10;
  const small = await prepare(ctx, 1);
  const large = await prepare(ctx, copies);

  const serve = (dirs: { modulesDir: string; configDir: string }): string[] => [
    MODLOADER, 'serve', '--modules', dirs.modulesDir, '--config', dirs.configDir, '--host', '127.0.0.1', '--port', '0',
  ];
  const sides = (p: Prepared): Side[] => [
    { name: 'modloader serve', command: serve(p.dirs), expect: p.order.length, readyPath: '/health/ready' },
    { name: 'bare import + load()', command: [BARE_START, 'bare', p.dirs.modulesDir, p.orderFile], expect: p.order.length, readyPath: '/health' },
  ];
  const smallSides = [
    ...sides(small),
    { name: 'avvio plugins', command: [BARE_START, 'avvio', small.dirs.modulesDir, small.orderFile], expect: small.order.length, readyPath: '/health' },
  ];
  // Quick mode skips the warm-ups (the files are in the page cache from writing them, and the
  // service has started once to tell which modules run) and runs the large graph once.
  const warmUp = !ctx.quick;
  const smallRuns = await compare(`figures 10-11 (${small.order.length} modules)`, smallSides, ctx.runs, warmUp);
  const largeRuns = await compare(`figure 10 (${large.order.length} modules)`, sides(large), ctx.quick ? 1 : Math.min(ctx.runs, 3), warmUp);

  const [service, bare, avvio] = smallRuns;
  const [largeService, largeBare] = largeRuns;
  const stops = (runs: SideRuns[], names: string[]): string =>
    `CPU time used until ready (all threads; less sensitive to the machine's load than the wall clock): ${runs.map((r, i) => `${names[i]} ${r.cpuMs.toFixed(0)} ms`).join(', ')}. ` +
    `Shutdown after SIGTERM (median): ${runs.map((r, i) => `${names[i]} ${r.stopMs.toFixed(0)} ms`).join(', ')}.`;
  const method =
    `Spawn until ready, median of runs: \`modloader serve\` until \`GET /health/ready\` answers 200 (startup done, every module running), with its defaults (info logging, JSON lines on stdout read by the bench), ` +
    `the bare side is \`bench/servers/bare-start.ts\` (imports each file in dependency order and awaits its \`load()\`, then answers /health from \`node:http\`).`;
  const graphNote = (p: Prepared): string =>
    `The graph: ${ASTERISK_GRAPH_FILE} (${p.copies === 1 ? '' : `${p.copies} copies, `}${p.manifests.toLocaleString('en-US')} modules, ${p.edges.toLocaleString('en-US')} uses), ` +
    `stub ES modules whose \`load()\` succeeds, manifests with real md5 checksums, \`autoload=yes\`; ${p.order.length.toLocaleString('en-US')} of them start.`;
  return [
    {
      id: 10,
      title: `start a real PBX: the Asterisk module graph, ${small.order.length} modules, spawn → ready`,
      measured: service!.start,
      baseline: bare!.start,
      ratio: pairedRatio(service!.start, bare!.start),
      target: { compare: 'at_most', value: 1.5, unit: '×' },
      notes: [method, graphNote(small), stops(smallRuns, ['service', 'bare', 'avvio'])],
    },
    {
      id: 10,
      title: `the same at ${copies} copies of the graph, ${large.order.length.toLocaleString('en-US')} modules`,
      measured: largeService!.start,
      baseline: largeBare!.start,
      ratio: pairedRatio(largeService!.start, largeBare!.start),
      target: { compare: 'at_most', value: 1.5, unit: '×' },
      notes: [
        `as above, ${copies} copies of the graph (module and provided names suffixed \`_c<k>\`). ` +
          `Per module beyond figure 10's: service ${perModule(largeService!, service!, large, small)} ms, bare ${perModule(largeBare!, bare!, large, small)} ms.`,
        stops(largeRuns, ['service', 'bare']),
      ],
    },
    {
      id: 11,
      title: `the same ${small.order.length} modules started as avvio plugins`,
      measured: service!.start,
      baseline: avvio!.start,
      ratio: pairedRatio(service!.start, avvio!.start),
      target: { compare: 'at_most', value: 1, unit: '×' },
      notes: [
        `measured: figure 10's service runs; baseline: \`bench/servers/bare-start.ts avvio\`, each module an avvio plugin (fastify's plugin loader, avvio ${avvioVersion()}) ` +
          `registered in dependency order that imports the file and awaits its \`load()\`, then /health from \`node:http\` once \`ready()\`.`,
      ],
    },
  ];
}

interface Prepared {
  copies: number;
  dirs: { modulesDir: string; configDir: string };
  manifests: number;
  edges: number;
  /** The modules the service runs, dependencies first. */
  order: string[];
  orderFile: string;
}

/** Writes the stub files of `copies` copies of the graph, and learns which of them start. */
async function prepare(ctx: BenchContext, copies: number): Promise<Prepared> {
  const graph = await asteriskGraph(copies);
  const dir = join(ctx.tmpDir, `asterisk-x${copies}`);
  progress(`figures 10-11: writing ${graph.manifests.length} stub modules (${copies} ${copies === 1 ? 'copy' : 'copies'} of the Asterisk graph)`);
  const dirs = await writeServiceDirs(dir, graph.manifests, { autoload: true });
  // Which modules the service starts (all of them, unless the data changes), in an order
  // where each comes after the modules it uses.
  const started = await startServer(process.execPath, [MODLOADER, 'serve', '--modules', dirs.modulesDir, '--config', dirs.configDir, '--host', '127.0.0.1', '--port', '0'], '/health/ready');
  const listed = await (await fetch(`${started.url}/modules`)).json() as { modules: Array<{ name: string; state: string }> };
  await started.stop();
  const running = new Set(listed.modules.filter((m) => m.state === 'running').map((m) => m.name));
  const order = kahnOrder(graph.deps).filter((name) => running.has(name));
  if (order.length !== running.size) throw new Error('figures 10-11: the running modules are not closed under their uses');
  const orderFile = join(dir, 'order.txt');
  await writeFile(orderFile, `${order.join('\n')}\n`);
  const edges = [...graph.deps.values()].reduce((sum, list) => sum + list.length, 0);
  return { copies, dirs, manifests: graph.manifests.length, edges, order, orderFile };
}

/** Starts each side `runs` times (after a warm-up of each), rotating the order; stops each. */
async function compare(label: string, sides: Side[], runs: number, warmUp: boolean): Promise<SideRuns[]> {
  if (warmUp) {
    progress(`${label}: warm-up`);
    for (const side of sides) await (await startChecked(side)).stop();
  }
  const starts = sides.map(() => [] as number[]);
  const cpus = sides.map(() => [] as number[]);
  const stopsMs = sides.map(() => [] as number[]);
  for (let run = 1; run <= runs; run += 1) {
    const indexes = sides.map((_, i) => (i + run - 1) % sides.length);
    for (const i of indexes) {
      const server = await startChecked(sides[i]!);
      starts[i]!.push(server.startMs);
      cpus[i]!.push(server.startCpuMs);
      stopsMs[i]!.push(await server.stop());
    }
    progress(`${label}: run ${run}/${runs}: ${sides.map((s, i) => `${s.name} ${starts[i]!.at(-1)!.toFixed(0)} ms (${cpus[i]!.at(-1)!.toFixed(0)} ms CPU)`).join(', ')}`);
  }
  return sides.map((_, i) => ({ start: measureOf(starts[i]!, 'ms'), cpuMs: median(cpus[i]!), stopMs: median(stopsMs[i]!) }));
}

async function startChecked(side: Side): Promise<StartedServer> {
  const server = await startServer(process.execPath, side.command, side.readyPath);
  const running = Number(server.health['modules_running']);
  if (running !== side.expect) {
    await server.stop();
    throw new Error(`${side.name}: ${side.readyPath} says ${running} modules run, expected ${side.expect}`);
  }
  return server;
}

function perModule(large: SideRuns, small: SideRuns, l: Prepared, s: Prepared): string {
  return ((large.start.value - small.start.value) / (l.order.length - s.order.length)).toFixed(2);
}

function avvioVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(join(dirname(require.resolve('avvio')), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
