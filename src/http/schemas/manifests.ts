/** The manifest as the API shows it (SPEC 3), and the answers of the manifest routes. */
import { z } from 'zod';
import type { Manifest } from '../../core/manifest.js';
import { LOAD_PRIORITIES, SUPPORT_LEVELS } from '../../core/manifest.js';
import type { Accepts } from './common.js';
import { OpResultSchema } from './common.js';
import { described, named } from './registry.js';

const RefSchema = named('Ref', z.object({ type: z.string(), name: z.string() }), 'A `type=name` line of `[uses]` or `[canuse]`.');

export const ManifestSchema = named(
  'Manifest',
  z.object({
    name: z.string(),
    checksum: described(z.string(), '32 hex digits (md5 of the binary) or `sha256:<64 hex>`.'),
    support_level: z.enum(SUPPORT_LEVELS).optional(),
    load_priority: z.enum(LOAD_PRIORITIES).optional(),
    export_globals: z.boolean(),
    config: z.array(z.string()),
    description: z.string().optional(),
    uses: z.array(RefSchema),
    canuse: z.array(RefSchema),
    provides: z.array(z.object({ type: z.string(), name: z.string(), priority: z.number() })),
  }),
  'A parsed manifest (SPEC 3). `provides` does not list the implicit `module=<name>`.',
);

export const ManifestListSchema = z.object({ manifests: z.array(ManifestSchema) });

export const ManifestProblemSchema = named(
  'ManifestProblem',
  z.looseObject({
    file: z.string(),
    line: z.number().int().optional(),
    section: z.string().optional(),
    key: z.string().optional(),
    code: z.string(),
    message: z.string(),
  }),
  'One thing wrong with a manifest, with where it is.',
);

/** The largest manifest `POST /manifests/check` lints (bytes); larger is 413. */
export const MANIFEST_CHECK_LIMIT = 256 * 1024;

export const ManifestCheckBody = described(
  z.string().max(MANIFEST_CHECK_LIMIT),
  'The manifest text (INI), sent as `text/plain`.',
);

export const ManifestCheckResult = z.object({ ok: z.literal(true), manifest: ManifestSchema });

export const RescanResultSchema = named(
  'RescanResult',
  OpResultSchema.extend({
    rescan: z.object({
      added: z.array(z.string()),
      changed: z.array(z.string()),
      removed: z.array(z.string()),
      stale: described(z.array(z.string()), 'Running modules whose binary changed on disk.'),
    }),
    problems: described(z.array(ManifestProblemSchema), 'Manifests in the module directory that were skipped.'),
  }),
);

type _ManifestCheck = Accepts<z.output<typeof ManifestSchema>, Manifest>;
