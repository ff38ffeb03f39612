import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateManifests } from '../../../src/manifest/generate/generate.js';
import { generateFrom, jsModule, readManifest, removeTempDirs, tempDir } from '../temp-tree.js';

afterEach(removeTempDirs);

const digest = (algorithm: 'md5' | 'sha256', text: string | Buffer): string => createHash(algorithm).update(text).digest('hex');
const SOURCE = jsModule(['<support_level>core</support_level>']);

describe('JS and TS module sources', () => {
  it('makes a manifest for .js, .mjs and .cjs sources, each checksummed as its own binary', async () => {
    const { result, manifests } = await generateFrom({ 'a.js': SOURCE, 'b.mjs': SOURCE, 'c.cjs': SOURCE, 'notes.js': 'export {}\n' });
    expect(result.errors).toEqual([]);
    expect([...manifests.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(manifests.get('a')?.checksum).toBe(digest('md5', SOURCE));
  });

  it('takes a .ts source with the checksum of the compiled .js beside it, not as a second module', async () => {
    const compiled = 'export function load() {}\n// compiled\n';
    const { result, manifests } = await generateFrom({ 'mod_t.ts': SOURCE, 'mod_t.js': compiled });
    expect(result.errors).toEqual([]);
    expect(manifests.get('mod_t')?.checksum).toBe(digest('md5', compiled));
  });

  it('checksums a .ts source itself until it is compiled, and ignores .d.ts files', async () => {
    const { manifests } = await generateFrom({ 'mod_t.ts': SOURCE, 'types.d.ts': SOURCE });
    expect([...manifests.keys()]).toEqual(['mod_t']);
    expect(manifests.get('mod_t')?.checksum).toBe(digest('md5', SOURCE));
  });

  it('writes sha256 checksums when asked', async () => {
    const { manifests } = await generateFrom({ 'a.js': SOURCE }, { checksum: 'sha256' });
    expect(manifests.get('a')?.checksum).toBe(`sha256:${digest('sha256', SOURCE)}`);
  });

  it('writes <name>.manifest beside each source by default, or into --out', async () => {
    const { dir, result } = await generateFrom({ 'sub/a.js': SOURCE });
    expect(result.written).toEqual([join(dir, 'sub/a.manifest')]);
    const out = join(await tempDir(), 'new/dir');
    const again = await generateManifests(dir, { out });
    expect(again.written).toEqual([join(out, 'a.manifest')]);
    expect((await readManifest(join(out, 'a.manifest'))).name).toBe('a');
  });

  it('leaves an up-to-date manifest untouched and rewrites a stale one', async () => {
    const { dir, result } = await generateFrom({ 'a.js': SOURCE });
    const path = result.written[0] ?? '';
    const fresh = await readFile(path, 'utf8');
    const written = (await stat(path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 30));
    await generateManifests(dir);
    expect((await stat(path)).mtimeMs).toBe(written);

    await writeFile(path, 'stale');
    await generateManifests(dir);
    expect(await readFile(path, 'utf8')).toBe(fresh);
  });

  it('does not enter node_modules or hidden directories', async () => {
    const { manifests } = await generateFrom({ 'node_modules/dep/x.js': SOURCE, '.cache/y.js': SOURCE, 'z.js': SOURCE });
    expect([...manifests.keys()]).toEqual(['z']);
  });
});
