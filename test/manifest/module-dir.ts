/** A module directory made of real binaries and manifests, for check and scan tests. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../src/core/manifest.js';
import { formatManifest } from '../../src/manifest/format.js';

export interface ModuleSpec {
  name: string;
  uses?: string[];
  provides?: string[];
  algorithm?: 'md5' | 'sha256';
  /** Write no binary beside the manifest. */
  noBinary?: boolean;
}

function refs(list: string[] = []): Array<{ type: string; name: string }> {
  return list.map((r) => {
    const [type = '', name = ''] = r.split('=');
    return { type, name };
  });
}

/** Writes `<name>.js` and a matching `<name>.manifest` into `dir`; returns the manifest. */
export async function installModule(dir: string, spec: ModuleSpec): Promise<Manifest> {
  const code = `export function load() {}\n// ${spec.name}\n`;
  const algorithm = spec.algorithm ?? 'md5';
  const digest = createHash(algorithm).update(code).digest('hex');
  const manifest: Manifest = {
    name: spec.name,
    checksum: algorithm === 'md5' ? digest : `sha256:${digest}`,
    export_globals: false,
    config: [],
    uses: refs(spec.uses),
    canuse: [],
    provides: refs(spec.provides).map((r) => {
      const [name = '', priority] = r.name.split(':');
      return { type: r.type, name, priority: priority === undefined ? 0 : Number(priority) };
    }),
  };
  if (!spec.noBinary) await writeFile(join(dir, `${spec.name}.js`), code);
  await writeFile(join(dir, `${spec.name}.manifest`), formatManifest(manifest));
  return manifest;
}
