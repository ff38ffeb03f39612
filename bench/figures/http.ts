/**
 * Figures 4 and 5: requests per second of the real service's `GET /modules/{name}` and
 * `GET /modules` (1,000 modules, all running after an autoload startup), run as `modloader
 * serve` runs it (info logging to stdout, here /dev/null), against a bare fastify app without
 * a logger answering the same JSON texts prebuilt as bytes. autocannon (50 connections) runs
 * in this process, each server in a child process of its own; the sides alternate which goes
 * first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateGraph } from '../graph/generate-graph.js';
import { measureOf, pairedRatio, type FigureResult } from '../report/figure.js';
import { startChild, type ChildHandle } from '../servers/ipc.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { median } from '../support/stats.js';
import { writeServiceDirs } from '../support/service-fixture.js';

const CONNECTIONS = 50;

export const SERVICE_CHILD = fileURLToPath(new URL('../servers/service-child.js', import.meta.url));
export const BARE_CHILD = fileURLToPath(new URL('../servers/bare-child.js', import.meta.url));

export async function httpFigures(ctx: BenchContext): Promise<FigureResult[]> {
  const duration = ctx.quick ? 1 : 4;
  const modules = ctx.quick ? 200 : 1_000;
  const graph = generateGraph({ modules, edges: modules * 5, seed: ctx.seed });
  const dir = join(ctx.tmpDir, 'http');
  progress(`figures 4-5: writing ${modules} modules and starting the service (autoload=yes)`);
  const dirs = await writeServiceDirs(dir, graph.manifests, { autoload: true });
  const children: ChildHandle[] = [];
  try {
    const service = await startChild(SERVICE_CHILD, [dirs.modulesDir, dirs.configDir]);
    children.push(service);
    const serviceUrl = String(service.ready['url']);
    // A typical module: the median of the graph, with a handful of users and dependencies.
    const name = graph.manifests[Math.floor(modules / 2)]!.name;
    const detail = await getText(`${serviceUrl}/modules/${name}`);
    const listText = await getText(`${serviceUrl}/modules`);
    const list = (JSON.parse(listText) as { modules: Array<{ state: string }> }).modules;
    const running = list.filter((m) => m.state === 'running').length;
    if (list.length !== modules) throw new Error(`figures 4-5: GET /modules listed ${list.length} modules, expected ${modules}`);
    const fixtures = join(dir, 'fixtures.json');
    await writeFile(fixtures, JSON.stringify({ detail, list: listText }));
    const bare = await startChild(BARE_CHILD, [fixtures]);
    children.push(bare);
    const bareUrl = String(bare.ready['url']);

    const detailRuns = await compare(ctx, 'figure 4', duration, { url: `${serviceUrl}/modules/${name}`, server: service }, { url: `${bareUrl}/modules/${name}`, server: bare });
    const listRuns = await compare(ctx, 'figure 5', duration, { url: `${serviceUrl}/modules`, server: service }, { url: `${bareUrl}/modules`, server: bare });
    const detailBytes = Buffer.byteLength(detail);
    return [
      {
        id: 4,
        title: `\`GET /modules/{name}\` req/s, ${CONNECTIONS} connections`,
        measured: detailRuns.measured,
        baseline: detailRuns.baseline,
        ratio: pairedRatio(detailRuns.measured, detailRuns.baseline, 100),
        target: { compare: 'at_least', value: 60, unit: '%' },
        notes: [
          `autocannon, ${CONNECTIONS} connections, ${duration} s per run, against the service as \`modloader serve\` runs it (${modules} modules of which ${running} running; ` +
            `info logging, two JSON lines per request, to stdout, here /dev/null) asking for \`${name}\` (${detailBytes} bytes of JSON), ` +
            `and against a bare fastify route without a logger sending the same JSON prebuilt as bytes.`,
          cpuNote(detailRuns.cpu),
        ],
      },
      {
        id: 5,
        title: `\`GET /modules\` req/s with ${modules.toLocaleString('en-US')} modules`,
        measured: listRuns.measured,
        baseline: listRuns.baseline,
        ratio: pairedRatio(listRuns.measured, listRuns.baseline, 100),
        target: { compare: 'at_least', value: 70, unit: '%' },
        notes: [
          `as figure 4, for the list (${listText.length.toLocaleString('en-US')} bytes of JSON).`,
          cpuNote(listRuns.cpu),
        ],
      },
    ];
  } finally {
    for (const child of children) await child.stop();
  }
}

interface Side {
  url: string;
  server: ChildHandle;
}

/** Runs autocannon against both sides, alternating; req/s, and the server's CPU time per request. */
async function compare(ctx: BenchContext, label: string, duration: number, measuredSide: Side, baselineSide: Side) {
  progress(`${label}: warm-up`);
  await cannon(measuredSide, 1);
  await cannon(baselineSide, 1);
  const measured: number[] = [];
  const baseline: number[] = [];
  const measuredCpu: number[] = [];
  const baselineCpu: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    const sides = [
      async () => {
        const r = await cannon(measuredSide, duration);
        measured.push(r.rate);
        measuredCpu.push(r.cpuPerRequest);
      },
      async () => {
        const r = await cannon(baselineSide, duration);
        baseline.push(r.rate);
        baselineCpu.push(r.cpuPerRequest);
      },
    ];
    if (run % 2 === 0) sides.reverse();
    for (const side of sides) await side();
    progress(
      `${label}: run ${run}/${ctx.runs}: service ${measured.at(-1)!.toFixed(0)} req/s (${measuredCpu.at(-1)!.toFixed(0)} µs CPU each), ` +
        `bare ${baseline.at(-1)!.toFixed(0)} req/s (${baselineCpu.at(-1)!.toFixed(0)} µs CPU each)`,
    );
  }
  return {
    measured: measureOf(measured, 'req/s'),
    baseline: measureOf(baseline, 'req/s'),
    cpu: { measured: median(measuredCpu), baseline: median(baselineCpu) },
  };
}

/** A sentence on the server CPU time per request of both sides (insensitive to the client). */
function cpuNote(cpu: { measured: number; baseline: number }): string {
  return (
    `Server CPU per request: service ${cpu.measured.toFixed(0)} µs, bare ${cpu.baseline.toFixed(0)} µs ` +
    `(the bare route's CPU is ${((100 * cpu.baseline) / cpu.measured).toFixed(0)}% of the service's; autocannon shares the machine, so req/s also reflects the client).`
  );
}

/** Requests per second (autocannon's average over the run); throws on errors or non-2xx. */
async function cannon(side: Side, duration: number): Promise<{ rate: number; cpuPerRequest: number }> {
  const cpuBefore = await side.server.request<number>('cpu');
  const result = await autocannon({ url: side.url, connections: CONNECTIONS, duration });
  const cpu = (await side.server.request<number>('cpu')) - cpuBefore;
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`autocannon ${side.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return { rate: result.requests.average, cpuPerRequest: (cpu * 1000) / Math.max(1, result.requests.total) };
}

async function getText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}
