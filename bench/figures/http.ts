/**
 * Figures 4 and 5: requests per second of the real service's `GET /modules/{name}` and
 * `GET /modules` (1,000 modules, all running after an autoload startup) against a bare fastify
 * app answering the same payloads without any work: a fixed object for the detail, the same
 * JSON text prebuilt for the list. autocannon (50 connections) runs in this process, each
 * server in a child process of its own; the sides alternate which goes first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateGraph } from '../graph/generate-graph.js';
import { measureOf, type FigureResult } from '../report/figure.js';
import { startChild, type ChildHandle } from '../servers/ipc.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { writeServiceDirs } from '../support/service-fixture.js';

const CONNECTIONS = 50;
const MODULES = 1_000;

export const SERVICE_CHILD = fileURLToPath(new URL('../servers/service-child.js', import.meta.url));
export const BARE_CHILD = fileURLToPath(new URL('../servers/bare-child.js', import.meta.url));

export async function httpFigures(ctx: BenchContext): Promise<FigureResult[]> {
  const duration = ctx.quick ? 1 : 5;
  const graph = generateGraph({ modules: MODULES, edges: MODULES * 5, seed: ctx.seed });
  const dir = join(ctx.tmpDir, 'http');
  progress(`figures 4-5: writing ${MODULES} modules and starting the service (autoload=yes)`);
  const dirs = await writeServiceDirs(dir, graph.manifests, { autoload: true });
  const children: ChildHandle[] = [];
  try {
    const service = await startChild(SERVICE_CHILD, [dirs.modulesDir, dirs.configDir]);
    children.push(service);
    const serviceUrl = String(service.ready['url']);
    // A typical module: the median of the graph, with a handful of users and dependencies.
    const name = graph.manifests[Math.floor(MODULES / 2)]!.name;
    const detail = await getJson(`${serviceUrl}/modules/${name}`);
    const listText = await getText(`${serviceUrl}/modules`);
    const list = (JSON.parse(listText) as { modules: Array<{ state: string }> }).modules;
    const running = list.filter((m) => m.state === 'running').length;
    if (list.length !== MODULES) throw new Error(`figures 4-5: GET /modules listed ${list.length} modules, expected ${MODULES}`);
    const fixtures = join(dir, 'fixtures.json');
    await writeFile(fixtures, JSON.stringify({ detail, list: listText }));
    const bare = await startChild(BARE_CHILD, [fixtures]);
    children.push(bare);
    const bareUrl = String(bare.ready['url']);

    const detailRuns = await compare(ctx, 'figure 4', duration, `${serviceUrl}/modules/${name}`, `${bareUrl}/modules/${name}`);
    const listRuns = await compare(ctx, 'figure 5', duration, `${serviceUrl}/modules`, `${bareUrl}/modules`);
    const detailBytes = JSON.stringify(detail).length;
    return [
      {
        id: 4,
        title: `\`GET /modules/{name}\` req/s, ${CONNECTIONS} connections`,
        measured: detailRuns.measured,
        baseline: detailRuns.baseline,
        ratio: (100 * detailRuns.measured.value) / detailRuns.baseline.value,
        target: { compare: 'at_least', value: 60, unit: '%' },
        notes: [
          `autocannon, ${CONNECTIONS} connections, ${duration} s per run, against the service (\`createService\`, ${MODULES} modules of which ${running} running) asking for \`${name}\` ` +
            `(${detailBytes} bytes of JSON), and against a bare fastify route answering the same object, fixed.`,
        ],
      },
      {
        id: 5,
        title: `\`GET /modules\` req/s with ${MODULES.toLocaleString('en-US')} modules`,
        measured: listRuns.measured,
        baseline: listRuns.baseline,
        ratio: (100 * listRuns.measured.value) / listRuns.baseline.value,
        target: { compare: 'at_least', value: 70, unit: '%' },
        notes: [
          `as figure 4, for the list (${listText.length.toLocaleString('en-US')} bytes of JSON); the bare route sends the same text prebuilt.`,
        ],
      },
    ];
  } finally {
    for (const child of children) await child.stop();
  }
}

async function compare(ctx: BenchContext, label: string, duration: number, measuredUrl: string, baselineUrl: string) {
  progress(`${label}: warm-up`);
  await cannon(measuredUrl, 1);
  await cannon(baselineUrl, 1);
  const measured: number[] = [];
  const baseline: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    const sides = [async () => measured.push(await cannon(measuredUrl, duration)), async () => baseline.push(await cannon(baselineUrl, duration))];
    if (run % 2 === 0) sides.reverse();
    for (const side of sides) await side();
    progress(`${label}: run ${run}/${ctx.runs}: service ${measured.at(-1)!.toFixed(0)} req/s, bare ${baseline.at(-1)!.toFixed(0)} req/s`);
  }
  return { measured: measureOf(measured, 'req/s'), baseline: measureOf(baseline, 'req/s') };
}

/** Requests per second (autocannon's average over the run); throws on errors or non-2xx. */
async function cannon(url: string, duration: number): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`autocannon ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result.requests.average;
}

async function getText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}

async function getJson(url: string): Promise<unknown> {
  return JSON.parse(await getText(url)) as unknown;
}
