/**
 * Figure 3: load, then unload, 10,000 real module files through the service's real parts (the
 * Node.js host: checksum verification, fresh evaluation; a Loader with no subscribers) against
 * the same work done by a bare script as fast as it can: each file read and its md5 compared
 * with the manifest's checksum, imported, and `load()` called in dependency order, with the
 * reads and imports of the next 16 modules in flight ahead of the one being loaded; then
 * `unload()` in reverse. (Until the audit of issue 14 the bare side skipped the checksums and
 * imported one file at a time.)
 *
 * Module cache: each side evaluates every file as a module nobody evaluated before (the host
 * compiles the verified bytes as `<path>?modloader_import=<n>`, the baseline imports
 * `?bench_baseline=<run>`), so each run of each side makes 10,000 new ES module records and
 * neither reuses the other's; both read the same files through the same OS page cache. Which
 * side goes first alternates.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import type { ModuleExports } from '../../src/core/types.js';
import { createNodeHost } from '../../src/host/node-host.js';
import { generateGraph } from '../graph/generate-graph.js';
import { kahnOrder } from '../graph/kahn.js';
import { measureOf, pairedRatio, type FigureResult } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { binaryPath, writeModuleFiles } from '../support/module-files.js';
import { progress } from '../support/progress.js';
import { collectGarbage, timeMs } from '../support/stats.js';

/** How many modules the bare side reads and imports ahead of the one it loads. */
const AHEAD = 16;

export async function loadUnloadFigure(ctx: BenchContext): Promise<FigureResult[]> {
  const size = ctx.quick ? 500 : 10_000;
  const graph = generateGraph({ modules: size, edges: size * 5, seed: ctx.seed });
  const dir = join(ctx.tmpDir, 'load-unload');
  progress(`figure 3: writing ${size} module files and manifests to ${dir}`);
  const manifests = await writeModuleFiles(dir, graph.manifests);
  const order = kahnOrder(graph.deps);
  const binaries = new Map(manifests.map((m) => [m.name, m.checksum]));
  const logger = pino({ level: 'silent' });

  const measured = async (): Promise<void> => {
    const loader = new Loader({
      host: createNodeHost({ modulesDir: dir, configDir: dir, logger }),
      scan: { manifests, binaries },
      policy: emptyPolicy(),
    });
    const loaded = await loader.load(graph.root);
    const started = loaded.plan.filter((s) => s.action === 'load').length;
    if (started !== size) throw new Error(`figure 3: the loader started ${started} modules, expected ${size}`);
    await loader.unload(graph.root);
    const left = loader.list({ state: 'running' }).length;
    if (left !== 0) throw new Error(`figure 3: ${left} modules still run after unloading the root`);
  };
  const checksums = new Map(manifests.map((m) => [m.name, m.checksum]));
  const baseline = async (tag: string): Promise<void> => {
    const libs = await loadInOrder(order, (name) => binaryPath(dir, name), checksums, tag, AHEAD);
    for (let i = libs.length - 1; i >= 0; i -= 1) await libs[i]!.unload?.({} as never);
  };

  progress('figure 3: warm-up');
  await measured();
  await baseline('warmup');
  const measuredRuns: number[] = [];
  const baselineRuns: number[] = [];
  // Each run is long (seconds) and so steadier than the short figures': at most 3 per side.
  const runs = Math.min(ctx.runs, 3);
  for (let run = 1; run <= runs; run += 1) {
    const sides = [
      async () => measuredRuns.push(await timeMs(measured)),
      async () => baselineRuns.push(await timeMs(() => baseline(String(run)))),
    ];
    if (run % 2 === 0) sides.reverse();
    for (const side of sides) {
      collectGarbage();
      await side();
    }
    progress(`figure 3: run ${run}/${runs}: loader ${measuredRuns.at(-1)!.toFixed(0)} ms, bare md5 + import + load() ${baselineRuns.at(-1)!.toFixed(0)} ms`);
  }
  const m = measureOf(measuredRuns, 'ms');
  const b = measureOf(baselineRuns, 'ms');
  return [
    {
      id: 3,
      title: `load, then unload, ${size.toLocaleString('en-US')} real module files (${graph.edges.toLocaleString('en-US')} dependencies)`,
      measured: m,
      baseline: b,
      ratio: pairedRatio(m, b),
      target: { compare: 'at_most', value: 1.5, unit: '×' },
      notes: [
        `measured: a Loader over the Node.js host (\`createNodeHost\`) loading \`${graph.root}\`, whose closure is every module, then unloading it (the cascade stops them all); ` +
          `the files are trivial ES modules (\`load()\` returns 'success'). Baseline: each file read and its md5 checked against the manifest, \`import()\`ed and \`load()\`ed in dependency order, ` +
          `the reads and imports of the next ${AHEAD} modules in flight ahead of the one being loaded; then \`unload()\` in reverse. ` +
          `Each side evaluates every file as a new module each run (the host compiles the verified bytes as \`<path>?modloader_import=<n>\`, the bare side imports \`?bench_baseline=<run>\`): no shared module cache; sides alternate which goes first.`,
      ],
    },
  ];
}

/**
 * The bare way to start modules with verified binaries: for each name in `order`, read the
 * binary, compare its md5 with `checksums`, `import()` it under a URL not used before
 * (`?bench_baseline=<tag>`), then call `load()` in order; up to `ahead` reads and imports are
 * in flight beyond the module being loaded. Answers the libs in load order.
 */
export async function loadInOrder(
  order: readonly string[],
  pathOf: (name: string) => string,
  checksums: ReadonlyMap<string, string>,
  tag: string,
  ahead: number,
): Promise<ModuleExports[]> {
  const pending: Array<Promise<ModuleExports>> = [];
  const start = (i: number): void => {
    const name = order[i]!;
    pending[i] = (async () => {
      const path = pathOf(name);
      const digest = createHash('md5').update(await readFile(path)).digest('hex');
      if (digest !== checksums.get(name)) throw new Error(`${name}: checksum mismatch`);
      return (await import(`${pathToFileURL(path).href}?bench_baseline=${tag}`)) as ModuleExports;
    })();
    // A failure is thrown where the lib is awaited, in order.
    pending[i].catch(() => undefined);
  };
  const libs: ModuleExports[] = [];
  for (let i = 0; i < Math.min(ahead, order.length); i += 1) start(i);
  for (let i = 0; i < order.length; i += 1) {
    if (i + ahead < order.length) start(i + ahead);
    const lib = await pending[i]!;
    await lib.load({} as never);
    libs.push(lib);
    pending[i] = undefined as never;
  }
  return libs;
}
