import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureOf, type FigureResult } from '../../../bench/report/figure.js';
import { END_MARKER, resultsMarkdown, START_MARKER, writeResults } from '../../../bench/report/markdown.js';

describe('writing the results into docs/benchmarks.md', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-md-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces only the text between the markers', async () => {
    const file = join(dir, 'benchmarks.md');
    await writeFile(file, `# Benchmarks\n\nmethod\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nfindings\n`);
    await writeResults(file, 'new table', 'Benchmarks');
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`# Benchmarks\n\nmethod\n\n${START_MARKER}\nnew table\n${END_MARKER}\n\nfindings\n`);
  });

  it('creates the file with the markers when there is none', async () => {
    const file = join(dir, 'new.md');
    await writeResults(file, 'table', 'Benchmarks');
    expect(await readFile(file, 'utf8')).toContain(`${START_MARKER}\ntable\n${END_MARKER}`);
  });
});

describe('the results table', () => {
  const figure = (id: number, ratio: number): FigureResult => ({
    id,
    title: `figure ${id}`,
    measured: measureOf([2, 3], 'ms'),
    baseline: measureOf([1, 1], 'ms'),
    ratio,
    target: { compare: 'at_most', value: 1.5, unit: '×' },
    notes: ['what was measured.'],
  });
  const info = { date: 'd', command: 'npm run bench', cpu: 'cpu', cores: 2, memoryGiB: 4, os: 'linux', node: 'v20', mode: 'full' as const, runs: 2, seed: 1 };

  it('marks a missed target and points at its profiled cause; a met one is plain', () => {
    const text = resultsMarkdown(info, [figure(3, 2.5), figure(8, 1.2)], []);
    expect(text).toContain('| 3 | figure 3 | 2.5 ms | 1 ms | 2.50× | ≤ 1.5× | **FAIL** |');
    expect(text).toContain('| 8 | figure 8 | 2.5 ms | 1 ms | 1.20× | ≤ 1.5× | pass |');
    expect(text).toMatch(/^3\. what was measured\. .* \*\*Missed\*\* \(2\.50× against ≤ 1\.5×\): the profiled cause is under "What the profiles found", figure 3\.$/m);
    expect(text).toMatch(/^8\. what was measured\. Runs \(ms\): measured 2\.00, 3\.00; baseline 1\.00, 1\.00\.$/m);
  });

  it('lists a figure that could not run with the reason', () => {
    const text = resultsMarkdown(info, [], [{ ids: [10, 11], reason: 'no | data' }]);
    expect(text).toContain('| 10 | not run | | | | | no \\| data |');
    expect(text).toContain('| 11 | not run |');
  });
});
