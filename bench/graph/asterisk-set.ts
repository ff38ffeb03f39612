/**
 * The real Asterisk module graph (`shared/data/asterisk-modules.json`: 370 loadable modules and
 * the 17 core built-ins they may name) as manifests, and a module directory of stub modules
 * for it, so the service, the console and the benchmarks can run on a realistic tree.
 *
 * The stubs are trivial (load() succeeds, unless the module is named in `decline`), so what
 * runs is the loader's work around them; the manifests carry the file's facts unchanged:
 * uses, canuse, provides, load_priority, support_level, export_globals, description.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Manifest, Ref } from '../../src/core/manifest.js';
import { loadPrioritySchema, supportLevelSchema } from '../../src/manifest/schema.js';
import { packageRoot } from '../../src/http/settings.js';
import { trivialSource, writeModuleFiles } from '../support/module-files.js';

const REF = /^([a-z][a-z0-9_]*)=(.+)$/;

const EntrySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  support_level: supportLevelSchema.nullable(),
  load_priority: loadPrioritySchema.nullable(),
  export_globals: z.boolean(),
  uses: z.array(z.string().regex(REF)),
  canuse: z.array(z.string().regex(REF)),
  provides: z.array(z.string().regex(REF)),
  builtin: z.boolean(),
});

const FileSchema = z.object({ modules: z.array(EntrySchema) });

export type AsteriskEntry = z.output<typeof EntrySchema>;

const DATA_FILE = join('shared', 'data', 'asterisk-modules.json');

/**
 * Where the data file is: `$MODLOADER_ASTERISK_MODULES`, else the nearest `shared/data/` in
 * the checkout's parent folders (the project's shared folder sits beside or above it).
 */
export function asteriskDataPath(): string | undefined {
  const fromEnv = process.env.MODLOADER_ASTERISK_MODULES;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (let dir = dirname(packageRoot()); ; dir = dirname(dir)) {
    const candidate = join(dir, DATA_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function ref(text: string): Ref {
  const [, type, name] = REF.exec(text)!;
  return { type: type!, name: name! };
}

/** Reads and validates the data file; every module, built-ins included. */
export async function readAsteriskEntries(file: string): Promise<AsteriskEntry[]> {
  return FileSchema.parse(JSON.parse(await readFile(file, 'utf8'))).modules;
}

/** One entry as a manifest (checksum filled in when the files are written). */
export function asteriskManifest(entry: AsteriskEntry): Manifest {
  return {
    name: entry.name,
    checksum: '0'.repeat(32),
    support_level: entry.support_level ?? undefined,
    load_priority: entry.load_priority ?? undefined,
    export_globals: entry.export_globals,
    config: [],
    description: entry.description ?? undefined,
    uses: entry.uses.map(ref),
    canuse: entry.canuse.map(ref),
    provides: entry.provides.map((text) => ({ ...ref(text), priority: 0 })),
  };
}

export interface AsteriskSetOptions {
  /** Modules whose stub declines to load (as chan_dahdi does without DAHDI hardware). */
  decline?: readonly string[];
}

/**
 * Writes a stub module and its manifest for every entry of the data file into `dir`
 * (created if needed) and answers the manifests written.
 */
export async function writeAsteriskSet(dir: string, file: string, options: AsteriskSetOptions = {}): Promise<Manifest[]> {
  const entries = await readAsteriskEntries(file);
  const declining = new Set(options.decline ?? []);
  const source = (name: string): string =>
    declining.has(name)
      ? `// stub of ${name}: declines, as without its hardware or config\nexport function load() {\n  return 'decline';\n}\n`
      : trivialSource(name);
  return writeModuleFiles(dir, entries.map(asteriskManifest), source);
}

/**
 * A `modules.conf` for the set, as a typical deployment's: autoload everything but a few
 * channel drivers and integrations with nothing to talk to here.
 */
export const ASTERISK_MODULES_CONF = `; modules.conf for the real Asterisk module set (bench/graph/asterisk-set.ts)
[modules]
autoload=yes
noload=chan_console
noload=chan_unistim
noload=res_hep
noload=res_hep_pjsip
noload=res_hep_rtcp
noload=res_snmp
noload=res_corosync
noload=res_config_ldap
noload=cdr_radius
noload=cel_radius
`;

/** Stubs that decline, as these do without their hardware or database. */
export const ASTERISK_DECLINING = ['chan_dahdi', 'res_timing_dahdi', 'cdr_pgsql', 'cel_pgsql', 'res_config_pgsql'] as const;

/**
 * Writes `<dir>/modules` (the stubs and manifests) and `<dir>/config/modules.conf`; answers
 * the two directories, ready for `modloader serve --modules … --config …`.
 */
export async function writeAsteriskDirs(dir: string, file: string): Promise<{ modules: string; config: string }> {
  const modules = join(dir, 'modules');
  const config = join(dir, 'config');
  await writeAsteriskSet(modules, file, { decline: ASTERISK_DECLINING });
  await mkdir(config, { recursive: true });
  await writeFile(join(config, 'modules.conf'), ASTERISK_MODULES_CONF);
  return { modules, config };
}
