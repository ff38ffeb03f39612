/**
 * A module directory and config directory for running the real service over a generated
 * graph: module files and manifests (module-files.ts) plus a `modules.conf`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../src/core/manifest.js';
import { writeModuleFiles } from './module-files.js';

export interface ServiceDirs {
  modulesDir: string;
  configDir: string;
  manifests: Manifest[];
}

/** Writes `<dir>/modules` and `<dir>/config` (modules.conf `[modules] autoload=yes|no`). */
export async function writeServiceDirs(
  dir: string,
  manifests: readonly Manifest[],
  options: { autoload: boolean; source?: (name: string) => string },
): Promise<ServiceDirs> {
  const modulesDir = join(dir, 'modules');
  const configDir = join(dir, 'config');
  const written = await writeModuleFiles(modulesDir, manifests, options.source);
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'modules.conf'), `[modules]\nautoload=${options.autoload ? 'yes' : 'no'}\n`);
  return { modulesDir, configDir, manifests: written };
}
