/** Schemas of the module routes (SPEC 9: `/modules…`). */
import { z } from 'zod';
import type { ModuleDetail, ModuleSummary, WhyChain } from '../../core/types.js';
import type { Accepts } from './common.js';
import { ModuleStateSchema, OriginSchema, UserKindSchema, UserSchema } from './common.js';
import { ManifestSchema } from './manifests.js';
import { described, named } from './registry.js';

export const ModuleListQuery = z.strictObject({
  like: described(z.string().max(128).optional(), 'Only modules whose name contains this text.'),
  state: ModuleStateSchema.optional(),
});

export const ModuleSummarySchema = named(
  'ModuleSummary',
  z.object({
    name: z.string(),
    description: z.string().nullable(),
    support_level: z.string().nullable(),
    state: ModuleStateSchema,
    use_count: z.number().int(),
    lib_loaded: z.boolean(),
    blocked: described(z.boolean(), 'The lib is kept loaded after its instance stopped (block_unload).'),
    stale: described(z.boolean(), 'It runs an older binary than the one on disk (SPEC 6.10): unload and load it to run the new one.'),
  }),
);

export const ModuleListSchema = z.object({ modules: z.array(ModuleSummarySchema) });

export const DependencySchema = named(
  'Dependency',
  z.object({
    type: z.string(),
    name: z.string(),
    provider: described(z.string().nullable(), 'The module it resolves (or, while running, is bound) to; null when unresolved.'),
    origin: z.union([OriginSchema, z.object({ file: z.literal('manifest') })]),
    user_kind: UserKindSchema,
  }),
);

export const ModuleDetailSchema = named(
  'ModuleDetail',
  ModuleSummarySchema.extend({
    manifest: ManifestSchema,
    users: z.array(UserSchema),
    dependencies: z.array(DependencySchema),
    dependents: described(z.array(z.string()), 'Modules that hold a user of this one.'),
    provides: z.array(z.object({ type: z.string(), name: z.string(), priority: z.number(), registered: z.boolean() })),
    checksum_ok: z.boolean().nullable(),
    pending: described(z.array(UserSchema), 'Firm-unload requests not yet satisfied.'),
    reason: described(z.string().nullable(), 'Why the last load failed or was declined.'),
  }),
);

export const LoadBody = z
  .strictObject({ dry_run: described(z.boolean().optional(), 'Compute and return the plan without changing anything.') })
  .nullish();

export const UnloadBody = z
  .strictObject({
    force: described(z.boolean().optional(), 'Firm unload (`module unload -f`): every user is asked to go; needs the admin role.'),
    timeout_ms: described(
      z.number().int().min(0).max(600_000).optional(),
      'Firm unload: how long the answer waits for pending users to go (default 0).',
    ),
    dry_run: z.boolean().optional(),
  })
  .nullish();

export const WhySchema = named(
  'Why',
  z.object({
    module: z.string(),
    chains: z.array(
      z.object({
        root: UserSchema,
        path: described(z.array(z.string()), "Modules from the root's module down to the one asked about, inclusive."),
      }),
    ),
  }),
  'What keeps a module running (SPEC 6.12): chains of users from a root down to it.',
);

type _SummaryCheck = Accepts<z.output<typeof ModuleSummarySchema>, ModuleSummary>;
type _DetailCheck = Accepts<z.output<typeof ModuleDetailSchema>, ModuleDetail>;
type _DependencyCheck = Accepts<z.output<typeof ModuleDetailSchema>['dependencies'][number], ModuleDetail['dependencies'][number]>;
type _ProvidesCheck = Accepts<z.output<typeof ModuleDetailSchema>['provides'][number], ModuleDetail['provides'][number]>;
type _WhyCheck = Accepts<z.output<typeof WhySchema>['chains'][number], WhyChain>;
