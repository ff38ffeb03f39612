/**
 * The real module graph of an Asterisk source tree (`shared/data/asterisk-modules.json`: 387
 * modules with their uses, canuse, provides, load priority, support level, description), as
 * manifests for stub modules; optionally repeated `copies` times, each copy's module and
 * provided names suffixed `_c<k>` and its uses pointing within the copy, so the same shape can
 * be measured at ten times its size.
 */
import { readFile } from 'node:fs/promises';
import { LOAD_PRIORITIES, SUPPORT_LEVELS, type LoadPriority, type Manifest, type Ref, type SupportLevel } from '../../src/core/manifest.js';
import { PLACEHOLDER_CHECKSUM } from './generate-graph.js';

/** Where the data lives on the project's machines; `BENCH_ASTERISK_GRAPH` names another copy. */
export const ASTERISK_GRAPH_FILE = process.env['BENCH_ASTERISK_GRAPH'] ?? '/work/shared/data/asterisk-modules.json';

interface RawModule {
  name: string;
  description: string | null;
  support_level: string | null;
  load_priority: string | null;
  export_globals: boolean;
  uses: string[];
  canuse: string[];
  provides: string[];
}

export interface AsteriskGraph {
  manifests: Manifest[];
  /** Module name -> names of the modules it uses (every `uses` of the data is `module=X`). */
  deps: Map<string, string[]>;
}

/** Reads the data file and builds `copies` copies of its graph (placeholder checksums). */
export async function asteriskGraph(copies: number, file = ASTERISK_GRAPH_FILE): Promise<AsteriskGraph> {
  const data = JSON.parse(await readFile(file, 'utf8')) as { modules: RawModule[] };
  const manifests: Manifest[] = [];
  const deps = new Map<string, string[]>();
  for (let copy = 0; copy < copies; copy += 1) {
    const suffix = copy === 0 ? '' : `_c${copy}`;
    for (const raw of data.modules) {
      const refs = (lines: string[]): Ref[] =>
        lines.map((line) => {
          const [type = '', name = ''] = line.split('=');
          return { type, name: name + suffix };
        });
      const uses = refs(raw.uses);
      const manifest: Manifest = {
        name: raw.name + suffix,
        checksum: PLACEHOLDER_CHECKSUM,
        export_globals: raw.export_globals,
        config: [],
        uses,
        canuse: refs(raw.canuse),
        provides: refs(raw.provides).map((ref) => ({ ...ref, priority: 0 })),
      };
      if (raw.support_level !== null && (SUPPORT_LEVELS as readonly string[]).includes(raw.support_level)) manifest.support_level = raw.support_level as SupportLevel;
      if (raw.load_priority !== null && (LOAD_PRIORITIES as readonly string[]).includes(raw.load_priority)) manifest.load_priority = raw.load_priority as LoadPriority;
      if (raw.description !== null) manifest.description = raw.description;
      manifests.push(manifest);
      if (uses.some((ref) => ref.type !== 'module')) throw new Error(`${manifest.name}: a use that is not module=X; the figure expects only those`);
      deps.set(manifest.name, uses.map((ref) => ref.name));
    }
  }
  return { manifests, deps };
}
