/**
 * Figure 8: the startup scan of a module directory of 10,000 modules with checksum
 * verification (`scanModuleDir`: list, read and parse every manifest, find and hash every
 * binary; then every digest compared with its manifest's checksum) against `md5sum --check`
 * reading the same 20,000 files, manifests and binaries, from a checklist (one process,
 * spawned per run; until the audit of issue 14 it was given the binaries only). For
 * reference the notes also give Node.js reading and hashing the same files (`readFileSync`
 * and md5, no parsing). All run with the files in the OS page cache (after a warm-up of each).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksumDigest } from '../../src/core/manifest.js';
import { scanModuleDir } from '../../src/manifest/scan.js';
import { generateGraph } from '../graph/generate-graph.js';
import { measureOf, pairedRatio, type FigureResult } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { binaryPath, writeModuleFiles } from '../support/module-files.js';
import { progress } from '../support/progress.js';
import { collectGarbage, median, timeMs } from '../support/stats.js';

export async function scanFigure(ctx: BenchContext): Promise<FigureResult[]> {
  const size = ctx.quick ? 1_000 : 10_000;
  const graph = generateGraph({ modules: size, edges: size * 5, seed: ctx.seed });
  const dir = join(ctx.tmpDir, 'scan', 'modules');
  progress(`figure 8: writing ${size} module files and manifests`);
  const manifests = await writeModuleFiles(dir, graph.manifests);
  const checklist = join(ctx.tmpDir, 'scan', 'md5sums.txt');
  const manifestPath = (name: string): string => join(dir, `${name}.manifest`);
  const files = manifests.flatMap((m) => [manifestPath(m.name), binaryPath(dir, m.name)]);
  const md5 = (file: string): string => createHash('md5').update(readFileSync(file)).digest('hex');
  await writeFile(checklist, files.map((file) => `${md5(file)}  ${file}\n`).join(''));

  const measured = async (): Promise<void> => {
    const { scan, problems } = await scanModuleDir(dir);
    if (problems.length > 0) throw new Error(`figure 8: the scan reported ${problems.length} problems, the first: ${problems[0]!.message}`);
    let verified = 0;
    for (const manifest of scan.manifests) if (scan.binaries.get(manifest.name) === checksumDigest(manifest.checksum)) verified += 1;
    if (verified !== size) throw new Error(`figure 8: ${verified} of ${size} binaries matched their manifest`);
  };
  const baseline = (): Promise<void> => md5sumCheck(checklist);
  const nodeReadAll = (): void => {
    for (const file of files) md5(file);
  };

  progress('figure 8: warm-up');
  await measured();
  await baseline();
  const measuredRuns: number[] = [];
  const baselineRuns: number[] = [];
  const nodeRuns: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    const sides = [
      async () => measuredRuns.push(await timeMs(measured)),
      async () => baselineRuns.push(await timeMs(baseline)),
      async () => nodeRuns.push(await timeMs(nodeReadAll)),
    ];
    if (run % 2 === 0) sides.reverse();
    for (const side of sides) {
      collectGarbage();
      await side();
    }
    progress(
      `figure 8: run ${run}/${ctx.runs}: scanModuleDir ${measuredRuns.at(-1)!.toFixed(0)} ms, md5sum --check ${baselineRuns.at(-1)!.toFixed(0)} ms, ` +
        `Node.js read + md5 ${nodeRuns.at(-1)!.toFixed(0)} ms`,
    );
  }
  const m = measureOf(measuredRuns, 'ms');
  const b = measureOf(baselineRuns, 'ms');
  return [
    {
      id: 8,
      title: `startup scan and checksum verification of ${size.toLocaleString('en-US')} manifests`,
      measured: m,
      baseline: b,
      ratio: pairedRatio(m, b),
      target: { compare: 'at_most', value: 2, unit: '×' },
      notes: [
        `measured: \`scanModuleDir(dir)\` with its default options, and comparing each binary's digest with its manifest's checksum; ` +
          `baseline: \`md5sum --check --quiet\` over a checklist of the same ${files.length} files, manifests and binaries (one process per run, spawned from the bench). ` +
          `For reference, Node.js reading and hashing the same files (\`readFileSync\`, md5; no parsing) takes ${median(nodeRuns).toFixed(0)} ms ` +
          `(the scan is ${(median(measuredRuns) / median(nodeRuns)).toFixed(2)}× that).`,
      ],
    },
  ];
}

function md5sumCheck(checklist: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('md5sum', ['--check', '--quiet', checklist], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`md5sum --check exited with ${code}: ${stderr.slice(0, 200)}`))));
  });
}
