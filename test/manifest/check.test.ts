import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkManifests, formatFinding } from '../../src/manifest/check.js';
import { installModule } from './module-dir.js';
import { removeTempDirs, tempDir } from './temp-tree.js';

afterEach(removeTempDirs);

describe('checkManifests (make check)', () => {
  it('finds nothing wrong in a consistent directory, resolving uses through providers', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'res_timing_timerfd', provides: ['service=timer:200'] });
    await installModule(dir, { name: 'res_timing_dahdi', provides: ['service=timer:100'], algorithm: 'sha256' });
    await installModule(dir, { name: 'app_stack', provides: ['application=Gosub'] });
    await installModule(dir, { name: 'pbx_config', uses: ['application=Gosub', 'service=timer', 'module=app_stack'] });
    expect(await checkManifests(dir)).toEqual([]);
  });

  it('reports each schema problem of a broken manifest with its line', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.manifest'), '[module]\nname=broken\nchecksum=xyz\n[extra]\n');
    const findings = await checkManifests(dir);
    expect(findings.map((f) => [f.kind, f.file, f.line])).toEqual([
      ['schema', join(dir, 'broken.manifest'), 3],
      ['schema', join(dir, 'broken.manifest'), 4],
    ]);
    expect(formatFinding(findings[0]!)).toMatch(/^.*broken\.manifest:3: schema: \[module\] checksum: /);
  });

  it('reports a checksum that does not match the binary beside the manifest', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'func_cut' });
    await writeFile(join(dir, 'func_cut.js'), 'export function load() { /* changed */ }\n');
    const findings = await checkManifests(dir);
    expect(findings.map((f) => [f.kind, f.file, f.line])).toEqual([['checksum_mismatch', join(dir, 'func_cut.manifest'), 3]]);
  });

  it('reports a manifest whose binary is missing', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'func_uri', noBinary: true });
    expect((await checkManifests(dir)).map((f) => f.kind)).toEqual(['missing_binary']);
  });

  it('reports each use that no manifest provides, with its line', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'app_dial', uses: ['module=chan_gone', 'application=Nope', 'service=timer'] });
    const findings = await checkManifests(dir);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([
      ['unresolved', 6],
      ['unresolved', 7],
      ['unresolved', 8],
    ]);
    expect(findings.every((f) => f.file === join(dir, 'app_dial.manifest'))).toBe(true);
  });

  it('reports a dependency cycle as its full path, also through providers', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'a', uses: ['module=b'] });
    await installModule(dir, { name: 'b', uses: ['application=C'] });
    await installModule(dir, { name: 'c', uses: ['module=a'], provides: ['application=C'] });
    await installModule(dir, { name: 'selfish', uses: ['module=selfish'] });
    const findings = await checkManifests(dir);
    expect(findings.map((f) => [f.kind, f.file, f.message])).toEqual([
      ['cycle', join(dir, 'a.manifest'), 'dependency cycle: a -> b -> c -> a'],
      ['cycle', join(dir, 'selfish.manifest'), 'dependency cycle: selfish -> selfish'],
    ]);
  });

  it('rejects when the directory cannot be read', async () => {
    await expect(checkManifests(join(await tempDir(), 'missing'))).rejects.toThrow();
  });
});
