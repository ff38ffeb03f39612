/**
 * The benchmark suite (issue 5): `npm run bench [-- --quick] [-- --only 1,2] [-- --out FILE]`.
 *
 * Each figure is a ratio against a baseline measured in the same run (the machines are shared
 * and noisy: absolute times vary, ratios hold), the median of several runs. Each figure group
 * runs in a fresh child process (group-worker.ts). The full run writes its table into
 * docs/benchmarks.md between marker comments; `--quick` (smaller sizes, fewer runs: a smoke
 * run for CI) writes bench/out/benchmarks-quick.md unless `--out` says otherwise. Progress
 * goes to stderr, the table to stdout. Exit status 0 when every figure ran (missed targets are
 * reported, not fatal), 1 when one could not run, 2 on bad arguments; `--strict` also exits 1
 * when a target is missed.
 */
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GROUPS } from './figures/index.js';
import { passes, type FigureResult } from './report/figure.js';
import { runInfo } from './report/machine.js';
import { resultsMarkdown, writeResults, type Skipped } from './report/markdown.js';
import type { BenchContext } from './support/context.js';
import { progress } from './support/progress.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const WORKER = join(HERE, 'group-worker.js');
const DEFAULT_SEED = 20240611;
const USAGE = 'usage: npm run bench -- [--quick] [--only 1,2,...] [--out FILE] [--runs N] [--seed N] [--strict]';

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
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const quick = args.quick ?? false;
  const only = args.only ? new Set(args.only.split(',').map((s) => Number(s.trim()))) : null;
  const runs = args.runs ? Number(args.runs) : quick ? 2 : 5;
  const seed = args.seed ? Number(args.seed) : DEFAULT_SEED;
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (only && [...only].some((n) => !Number.isInteger(n)))) {
    process.stderr.write(`--runs, --seed and --only take integers\n${USAGE}\n`);
    return 2;
  }
  const out = resolve(args.out ?? (quick ? join(REPO, 'bench', 'out', 'benchmarks-quick.md') : join(REPO, 'docs', 'benchmarks.md')));

  const tmpDir = await mkdtemp(join(tmpdir(), 'modloader-bench-'));
  const figures: FigureResult[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const [index, group] of GROUPS.entries()) {
      if (only && !group.ids.some((id) => only.has(id))) continue;
      const ctx: BenchContext = { quick, runs, seed, tmpDir: await mkdtemp(join(tmpDir, `group-${index}-`)) };
      try {
        const results = await runGroup(index, ctx);
        figures.push(...results.filter((f) => !only || only.has(f.id)));
      } catch (err) {
        const reason = (err as Error)?.message ?? String(err);
        progress(`figures ${group.ids.join(', ')} could not run: ${reason}`);
        skipped.push({ ids: group.ids, reason });
      } finally {
        await rm(ctx.tmpDir, { recursive: true, force: true });
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

/** Runs group `index` in a child process and answers its figures. */
async function runGroup(index: number, ctx: BenchContext): Promise<FigureResult[]> {
  const resultFile = join(ctx.tmpDir, 'result.json');
  // The worker inherits this process's flags (--expose-gc, and --cpu-prof when profiling).
  const execArgv = process.execArgv.includes('--expose-gc') ? process.execArgv : [...process.execArgv, '--expose-gc'];
  const child = fork(WORKER, [String(index), JSON.stringify(ctx), resultFile], { execArgv, stdio: 'inherit' });
  const code = await new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('exit', (status, signal) => res(signal ? -1 : status));
  });
  if (code !== 0) throw new Error(`the worker for figures ${GROUPS[index]!.ids.join(', ')} exited with status ${code} (its error is above)`);
  return JSON.parse(await readFile(resultFile, 'utf8')) as FigureResult[];
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
