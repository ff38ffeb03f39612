import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { installModule } from './module-dir.js';
import { jsModule, removeTempDirs, tempDir, writeTree } from './temp-tree.js';

afterEach(removeTempDirs);

/** Runs `modloader …` in-process, capturing what it prints. */
async function modloader(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => void out.push(...t.trimEnd().split('\n')), err: (t) => void err.push(...t.trimEnd().split('\n')) };
  return { code: await main(argv, io), out, err };
}

describe('modloader manifest generate', () => {
  it('writes the manifests into --out and exits 0 with a one-line summary', async () => {
    const src = await writeTree(await tempDir(), { 'a.js': jsModule(['<support_level>core</support_level>']) });
    const out = await tempDir();
    const run = await modloader('manifest', 'generate', src, '--out', out, '--checksum', 'sha256');
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    expect(run.out[0]).toMatch(/^manifest generate: 1 manifests in .*, 0 files skipped, 0 errors/);
    expect(existsSync(join(out, 'a.manifest'))).toBe(true);
  });

  it('prints each error as file:line and exits 1', async () => {
    const src = await writeTree(await tempDir(), { 'bad.js': '/*** MODULEINFO\n<canuse>x</canuse>\n***/\n' });
    const run = await modloader('manifest', 'generate', src);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`${join(src, 'bad.js')}:2: [MODULEINFO] canuse: <canuse> needs a type attribute, e.g. type="module"`]);
  });

  it('lists skipped files with --verbose', async () => {
    const src = await writeTree(await tempDir(), { 'a.c': '/*** MODULEINFO\n***/\nAST_MODULE_INFO_STANDARD(K, "A");\n', 'part.c': '/*** MODULEINFO\n***/\n' });
    const run = await modloader('manifest', 'generate', src, '--verbose');
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/part\.c: skipped: part of a multi-file module/);
  });

  it('shows progress on stderr during long runs', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 260; i++) files[`m${i}.js`] = jsModule([]);
    const run = await modloader('manifest', 'generate', await writeTree(await tempDir(), files));
    expect(run.code).toBe(0);
    expect(run.err).toEqual(['read 250/260 sources', 'wrote 250/260 manifests']);
  });

  it('exits 2 on usage errors', async () => {
    expect((await modloader('manifest', 'generate')).code).toBe(2);
    expect((await modloader('manifest', 'generate', 'a', 'b')).code).toBe(2);
    expect((await modloader('manifest', 'generate', 'src', '--checksum', 'sha1')).code).toBe(2);
    expect((await modloader('manifest', 'generate', 'src', '--colour')).code).toBe(2);
    expect((await modloader('manifest', 'frobnicate')).code).toBe(2);
    expect((await modloader('manifest')).code).toBe(2);
    expect((await modloader('manifest', 'check')).code).toBe(2);
    expect((await modloader('manifest', '--help')).code).toBe(0);
  });
});

describe('modloader manifest check', () => {
  it('exits 0 with a one-line summary when all is clean', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'app_stack', provides: ['application=Gosub'] });
    await installModule(dir, { name: 'pbx_config', uses: ['application=Gosub'] });
    const run = await modloader('manifest', 'check', dir);
    expect(run).toEqual({ code: 0, out: [`manifest check: 2 manifests in ${dir}: schema, checksums, dependencies and cycles all clean`], err: [] });
  });

  it('prints one line per finding, each naming the file, and exits 1', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'a', uses: ['module=b', 'function=NOPE'] });
    await installModule(dir, { name: 'b', uses: ['module=a'], noBinary: true });
    await writeFile(join(dir, 'c.manifest'), '[module]\nname=c\n');
    const run = await modloader('manifest', 'check', dir);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([
      `${join(dir, 'a.manifest')}: cycle: dependency cycle: a -> b -> a`,
      `${join(dir, 'a.manifest')}:7: unresolved: [uses] function=NOPE: no manifest provides it`,
      `${join(dir, 'b.manifest')}: missing_binary: no b.js, .mjs or .cjs beside the manifest`,
      `${join(dir, 'c.manifest')}:1: schema: [module] checksum: is required`,
      `manifest check: 4 problems in ${dir}`,
    ]);
  });

  it('exits 1 with a message when the directory does not exist', async () => {
    const run = await modloader('manifest', 'check', join(await tempDir(), 'nope'));
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/^modloader manifest check: cannot read /);
  });
});
