import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER, writeResults } from '../../../bench/report/markdown.js';

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
