import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checksumDigest } from '../../src/core/manifest.js';
import { scanModuleDir } from '../../src/manifest/scan.js';
import { installModule } from './module-dir.js';
import { removeTempDirs, tempDir } from './temp-tree.js';

afterEach(removeTempDirs);

describe('scanModuleDir', () => {
  it("answers every valid manifest and each binary's digest in the manifest's algorithm", async () => {
    const dir = await tempDir();
    const a = await installModule(dir, { name: 'a' });
    const b = await installModule(dir, { name: 'b', algorithm: 'sha256' });
    const { scan, problems } = await scanModuleDir(dir);
    expect(problems).toEqual([]);
    expect(scan.manifests).toEqual([a, b]);
    expect(scan.binaries).toEqual(new Map([['a', checksumDigest(a.checksum)], ['b', checksumDigest(b.checksum)]]));
  });

  it('answers null for a module without a binary and the new digest for a changed one', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'gone', noBinary: true });
    await installModule(dir, { name: 'changed' });
    await writeFile(join(dir, 'changed.js'), 'new code');
    const { scan } = await scanModuleDir(dir);
    expect(scan.binaries.get('gone')).toBeNull();
    expect(scan.binaries.get('changed')).toBe(createHash('md5').update('new code').digest('hex'));
  });

  it('puts broken manifests into problems and goes on with the rest', async () => {
    const dir = await tempDir();
    await installModule(dir, { name: 'good' });
    await writeFile(join(dir, 'bad.manifest'), '[module]\nname=bad\n');
    await writeFile(join(dir, 'renamed.manifest'), '[module]\nname=other\nchecksum=844c2153257936cc25d8b32760780c7b\n');
    const { scan, problems } = await scanModuleDir(dir);
    expect(scan.manifests.map((m) => m.name)).toEqual(['good']);
    expect(problems.map((p) => [p.file, p.code])).toEqual([
      [join(dir, 'bad.manifest'), 'missing_key'],
      [join(dir, 'renamed.manifest'), 'name_mismatch'],
    ]);
  });

  it('scans a thousand manifests in batches, letting the event loop turn between them', async () => {
    const dir = await tempDir();
    const count = 1000;
    for (let i = 0; i < count; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => installModule(dir, { name: `mod_${i + j}`, uses: ['module=mod_0'] })));
    }
    let turns = 0;
    let scanning = true;
    const spin = (): void => {
      turns += 1;
      if (scanning) setImmediate(spin);
    };
    setImmediate(spin);
    const { scan, problems } = await scanModuleDir(dir, { batch: 100 });
    scanning = false;
    expect(problems).toEqual([]);
    expect(scan.manifests).toHaveLength(count);
    expect([...scan.binaries.values()].every((d) => typeof d === 'string')).toBe(true);
    expect(turns).toBeGreaterThanOrEqual(9);
  });
});
