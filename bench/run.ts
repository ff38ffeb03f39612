/**
 * The benchmark suite (issue 5): `npm run bench [-- --quick] [-- --only 1,2] [-- --out FILE]`.
 *
 * Each figure is a ratio against a baseline measured in the same run (the machines are shared
 * and noisy: absolute times vary, ratios hold), the median of several runs. The full run
 * writes its table into docs/benchmarks.md between marker comments; `--quick` (smaller sizes,
 * fewer runs: a smoke run for CI) writes bench/out/benchmarks-quick.md unless `--out` says
 * otherwise. Progress goes to stderr, the table to stdout. Exit status 0 when every figure
 * ran (missed targets are reported, not fatal), 1 when one could not run, 2 on bad arguments;
 * `--strict` also exits 1 when a target is missed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eventFigures } from './figures/events.js';
import { heapFigure } from './figures/heap.js';
import { httpFigures } from './figures/http.js';
import { loadUnloadFigure } from './figures/load-unload.js';
import { planFigures } from './figures/plan.js';
import { scanFigure } from './figures/scan.js';
import { passes, type FigureResult } from './report/figure.js';
import { runInfo } from './report/machine.js';
import { resultsMarkdown, writeResults, type Skipped } from './report/markdown.js';
import type { BenchContext } from './support/context.js';
import { progress } from './support/progress.js';

interface FigureGroup {
  ids: number[];
  run: (ctx: BenchContext) => Promise<FigureResult[]>;
}

const GROUPS: FigureGroup[] = [
  { ids: [1, 2], run: planFigures },
  { ids: [3], run: loadUnloadFigure },
  { ids: [4, 5], run: httpFigures },
  { ids: [6, 7], run: eventFigures },
  { ids: [8], run: scanFigure },
  { ids: [9], run: heapFigure },
];

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_SEED = 20240611;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        strict: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: npm run bench -- [--quick] [--only 1,2,...] [--out FILE] [--runs N] [--seed N] [--strict]\n`);
    return 2;
  }
  const quick = args.quick ?? false;
  const only = args.only ? new Set(args.only.split(',').map((s) => Number(s.trim()))) : null;
  const runs = args.runs ? Number(args.runs) : quick ? 3 : 5;
  const seed = args.seed ? Number(args.seed) : DEFAULT_SEED;
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (only && [...only].some((n) => !Number.isInteger(n)))) {
    process.stderr.write('--runs, --seed and --only take integers\n');
    return 2;
  }
  const out = resolve(args.out ?? (quick ? join(REPO, 'bench', 'out', 'benchmarks-quick.md') : join(REPO, 'docs', 'benchmarks.md')));

  const tmpDir = await mkdtemp(join(tmpdir(), 'modloader-bench-'));
  const ctx: BenchContext = { quick, runs, seed, tmpDir };
  const figures: FigureResult[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const group of GROUPS) {
      if (only && !group.ids.some((id) => only.has(id))) continue;
      try {
        const results = await group.run(ctx);
        figures.push(...results.filter((f) => !only || only.has(f.id)));
      } catch (err) {
        const reason = (err as Error)?.message ?? String(err);
        progress(`figures ${group.ids.join(', ')} could not run: ${reason}`);
        if ((err as Error)?.stack) process.stderr.write(`${(err as Error).stack}\n`);
        skipped.push({ ids: group.ids, reason });
      }
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = resultsMarkdown(runInfo({ command, quick, runs, seed }), figures, skipped);
  await mkdir(dirname(out), { recursive: true });
  await writeResults(out, markdown, 'Benchmarks');
  process.stdout.write(`${markdown}\n\nwritten to ${out}\n`);
  if (skipped.length > 0) return 1;
  return args.strict && figures.some((f) => !passes(f)) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
