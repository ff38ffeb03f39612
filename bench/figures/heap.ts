/**
 * Figure 9: the loader's heap per running module, against plain objects holding the same
 * facts (plain-records.ts): a record per module with its state, lib and bound dependencies,
 * a user record per dependency edge held by the provider, the provider index. The manifests are built first (they are the
 * scan's input, not the loader's records); then the heap is measured (after full GCs), a
 * Loader is made over them and 10,000 modules are loaded, and the heap is measured again with
 * the loader and everything it holds alive. Every module's code is one shared trivial lib
 * (trivial-host.ts), so the difference is the loader's own records: module entries, the
 * provider index and ranks, instances with their ctx and AbortController, user records (one
 * per dependency, plus the admin's), bound dependencies and the op log.
 */
import type { ScanResult } from '../../src/core/api.js';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import { generateGraph, PLACEHOLDER_CHECKSUM } from '../graph/generate-graph.js';
import { measureOf, type FigureResult } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { collectGarbage, median } from '../support/stats.js';
import { trivialHost } from '../support/trivial-host.js';
import { plainRecords } from '../support/plain-records.js';

const MB = 1024 * 1024;

interface HeapRun {
  /** heapUsed before the Loader exists, with the manifests in memory. */
  start: number;
  /** After constructing the Loader (entries, provider index, ranks), nothing loaded. */
  constructed: number;
  /** After loading every module, the Loader still alive. */
  loaded: number;
}

/**
 * One measurement in a frame of its own, so that no earlier run's Loader is still reachable
 * when the next run takes its "before" figure.
 */
async function measureOnce(scan: ScanResult, root: string, size: number): Promise<HeapRun> {
  // A macrotask first: an earlier Loader can stay reachable from pending microtasks until then.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const start = process.memoryUsage().heapUsed;
  const loader = new Loader({ host: trivialHost(), scan, policy: emptyPolicy() });
  collectGarbage();
  const constructed = process.memoryUsage().heapUsed;
  await loader.load(root);
  collectGarbage();
  const loaded = process.memoryUsage().heapUsed;
  const running = loader.list({ state: 'running' }).length;
  if (running !== size) throw new Error(`figure 9: ${running} modules run, expected ${size}`);
  return { start, constructed, loaded };
}

/** heapUsed held by {@link plainRecords} of the same graph (bytes), measured the same way. */
async function measurePlain(graph: ReturnType<typeof generateGraph>): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const start = process.memoryUsage().heapUsed;
  const records = plainRecords(graph.manifests, graph.deps);
  collectGarbage();
  const held = process.memoryUsage().heapUsed - start;
  if (records.size !== graph.manifests.length) throw new Error('figure 9: the plain records lost modules');
  return held;
}

export async function heapFigure(ctx: BenchContext): Promise<FigureResult[]> {
  const size = ctx.quick ? 2_000 : 10_000;
  const graph = generateGraph({ modules: size, edges: size * 5, seed: ctx.seed });
  const scan: ScanResult = { manifests: graph.manifests, binaries: new Map(graph.manifests.map((m) => [m.name, PLACEHOLDER_CHECKSUM])) };
  progress('figure 9: warm-up (compiles the code paths, so code and hidden classes are not counted)');
  await measureOnce(scan, graph.root, size);
  await measurePlain(graph);
  const runs: HeapRun[] = [];
  const plainRuns: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    const r = await measureOnce(scan, graph.root, size);
    runs.push(r);
    plainRuns.push(await measurePlain(graph));
    progress(
      `figure 9: run ${run}/${ctx.runs}: ${kb((r.loaded - r.start) / size)} KB per module (${kb((r.constructed - r.start) / size)} KB of it before any load), ` +
        `plain records ${kb(plainRuns.at(-1)! / size)} KB per module`,
    );
  }
  const perModule = measureOf(runs.map((r) => (r.loaded - r.start) / size / 1024), 'KB/module');
  const plain = measureOf(plainRuns.map((bytes) => bytes / size / 1024), 'KB/module');
  const idle = measureOf(runs.map((r) => (r.constructed - r.start) / size / 1024), 'KB');
  return [
    {
      id: 9,
      title: `loader heap per module, ${size.toLocaleString('en-US')} modules loaded (${graph.edges.toLocaleString('en-US')} dependencies)`,
      measured: perModule,
      baseline: plain,
      ratio: perModule.value,
      target: { compare: 'at_most', value: 2, unit: ' KB/module' },
      notes: [
        `heapUsed after \`global.gc()\`, before the Loader is made (manifests already in memory) and after it has loaded all ${size} modules, after one warm-up run; the ratio is the difference per module (median over runs). ` +
          `Counted: the loader's module entries, provider index and ranks, and for each running module its instance and ctx (and whatever they make eagerly), user records (one per dependency) and bound dependencies. ` +
          `Not counted: the manifests (the scan's) and module code (one shared trivial lib). Of this, ${idle.value.toFixed(2)} KB per module exists before anything loads (entries and indexes). ` +
          `Baseline: plain objects holding the same facts (\`bench/support/plain-records.ts\`: a record per module with its state, lib and bound dependencies, a user record per dependency, the provider index), ` +
          `measured the same way; the loader holds ${(perModule.value / plain.value).toFixed(2)}× as much. Heap of the process before the Loader: ${(median(runs.map((r) => r.start)) / MB).toFixed(1)} MB.`,
      ],
    },
  ];
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(2);
}
