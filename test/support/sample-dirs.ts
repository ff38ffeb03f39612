/**
 * Real module and config directories for tests of the sample PBX: the repo's sample modules copied to a
 * temp dir with their manifests generated there, and the sample config (or given files).
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests, type GenerateResult } from '../../src/manifest/generate/generate.js';
import { packageRoot } from '../../src/http/settings.js';

export interface SampleDirs {
  root: string;
  modules: string;
  config: string;
  /** What generating the copied modules' manifests gave (it has no errors, or this throws). */
  generated: GenerateResult;
  remove(): Promise<void>;
}

export interface SampleDirOptions {
  /** Files to write into the config dir over the sample ones (null deletes one). */
  config?: Record<string, string | null>;
  /** Start from an empty config dir instead of the sample one. */
  emptyConfig?: boolean;
  /** Module sources to add (file name to text) before the manifests are generated. */
  modules?: Record<string, string>;
}

export async function sampleDirs(options: SampleDirOptions = {}): Promise<SampleDirs> {
  const root = await mkdtemp(join(tmpdir(), 'modloader-http-'));
  const modules = join(root, 'modules');
  const config = join(root, 'config');
  const repo = packageRoot();
  await cp(join(repo, 'modules'), modules, {
    recursive: true,
    filter: (src) => !src.endsWith('.manifest'),
  });
  // As in the repo, the module directory sits in a "type": "module" package: .js files are ESM.
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const [file, text] of Object.entries(options.modules ?? {})) await writeFile(join(modules, file), text);
  const generated = await generateManifests(modules);
  if (generated.errors.length > 0) throw new Error(`sample manifests: ${JSON.stringify(generated.errors)}`);
  await mkdir(config);
  if (!options.emptyConfig) {
    for (const file of await readdir(join(repo, 'config'))) {
      if (file.endsWith('.conf')) await cp(join(repo, 'config', file), join(config, file));
    }
  }
  for (const [file, text] of Object.entries(options.config ?? {})) {
    if (text === null) await rm(join(config, file), { force: true });
    else await writeFile(join(config, file), text);
  }
  return { root, modules, config, generated, remove: () => rm(root, { recursive: true, force: true }) };
}
