/**
 * Real module files for the generated graphs: `<name>.js` (ES modules: the directory gets a
 * `package.json` with `"type": "module"`) and `<name>.manifest` beside each, written with the
 * project's manifest writer and the binary's real md5, as `modloader manifest generate` would.
 *
 * The module code is trivial on purpose (load() succeeds, unload() does nothing), so what the
 * figures measure is the loader's work around it, not the modules' own.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../src/core/manifest.js';
import { formatManifest } from '../../src/manifest/format.js';
import { mapBounded } from '../../src/manifest/bounded-map.js';

/** The source of a trivial module named `name`. */
export function trivialSource(name: string): string {
  return `// benchmark module ${name}: nothing but the lifecycle hooks\nexport function load() {\n  return 'success';\n}\n\nexport function unload() {}\n`;
}

/**
 * Writes every module's binary (`source(name)`, trivial by default) and manifest into `dir`
 * (created if needed) and answers the manifests with their real checksums, in the order given.
 */
export async function writeModuleFiles(
  dir: string,
  manifests: readonly Manifest[],
  source: (name: string) => string = trivialSource,
): Promise<Manifest[]> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  return mapBounded(manifests, 64, async (manifest) => {
    const code = source(manifest.name);
    const checksum = createHash('md5').update(code).digest('hex');
    const withChecksum: Manifest = { ...manifest, checksum };
    await writeFile(join(dir, `${manifest.name}.js`), code);
    await writeFile(join(dir, `${manifest.name}.manifest`), formatManifest(withChecksum));
    return withChecksum;
  });
}

/** The binary file of a module written by {@link writeModuleFiles}. */
export function binaryPath(dir: string, name: string): string {
  return join(dir, `${name}.js`);
}
