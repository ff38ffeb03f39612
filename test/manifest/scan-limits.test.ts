/**
 * A rescan is bounded whatever the module directory holds: a manifest over the size cap is
 * refused without being read, a file of junk gives a bounded list of problems, and more
 * manifests than the cap are refused with one problem that says so.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, MAX_PROBLEMS_PER_FILE, scanModuleDir } from '../../src/manifest/scan.js';
import { installModule } from './module-dir.js';
import { removeTempDirs, tempDir } from './temp-tree.js';

afterEach(removeTempDirs);

const junkLine = (i: number): string => `junk line ${i} with no equals sign at all\n`;

describe('scanModuleDir bounds', () => {
  it('refuses a 42 MB manifest without reading it, and scans the rest', async () => {
    const dir = await tempDir();
    const good = await installModule(dir, { name: 'good' });
    const line = junkLine(0);
    await writeFile(join(dir, 'huge.manifest'), line.repeat(Math.ceil((42 * 1024 * 1024) / line.length)));
    const { scan, problems } = await scanModuleDir(dir);
    expect(scan.manifests).toEqual([good]);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'huge.manifest'), code: 'too_large' })]);
    expect(problems[0]!.message).toContain(String(MAX_MANIFEST_BYTES));
    expect(JSON.stringify(problems).length).toBeLessThan(1000);
  });

  it('gives at most a bounded number of problems for a file of junk, saying how many more there were', async () => {
    const dir = await tempDir();
    const lines = Array.from({ length: 5000 }, (_, i) => junkLine(i)).join('');
    expect(lines.length).toBeLessThan(MAX_MANIFEST_BYTES);
    await writeFile(join(dir, 'junk.manifest'), lines);
    const { problems } = await scanModuleDir(dir);
    expect(problems.length).toBe(MAX_PROBLEMS_PER_FILE + 1);
    expect(problems.at(-1)).toMatchObject({ code: 'too_many_problems' });
    expect(problems.at(-1)!.message).toMatch(/\d+ more/);
  });

  it('refuses the manifests beyond the count cap with one problem', async () => {
    const dir = await tempDir();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await installModule(dir, { name });
    const { scan, problems } = await scanModuleDir(dir, { maxManifests: 3 });
    expect(scan.manifests.map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(problems).toEqual([expect.objectContaining({ file: dir, code: 'too_many_manifests' })]);
    expect(problems[0]!.message).toMatch(/5 manifests.*3/);
  });
});
