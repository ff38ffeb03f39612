/**
 * Schemas shared by several routes: names and ids in paths, module states, users, plans and the
 * answer of every state-changing call (SPEC 9). They mirror the core's types in
 * `src/core/types.ts`; the `satisfies` checks at the bottom fail to compile when they drift.
 */
import { z } from 'zod';
import { parseModuleName } from '../../core/names.js';
import { MODULE_STATES, PLAN_ACTIONS, USER_KINDS } from '../../core/types.js';
import type { OpResult, PlanStep, UserInfo } from '../../core/types.js';
import { described, named } from './registry.js';

/**
 * A module name as clients may write it (SPEC 2): `^[A-Za-z0-9_-]{1,64}$`, optionally with a
 * `.so`, `.js`, `.mjs` or `.cjs` suffix, which is stripped. Validated with the core's
 * `parseModuleName`, so `/`, `..`, NUL and overlong input never reach the loader.
 */
export const ModuleNameInput = named(
  'ModuleName',
  z
    .string()
    .max(68)
    .regex(/^[A-Za-z0-9_-]{1,64}(\.(so|js|mjs|cjs))?$/, 'not a module name')
    .transform((input, ctx) => {
      const name = parseModuleName(input);
      if (name === undefined) {
        ctx.addIssue({ code: 'custom', message: 'not a module name' });
        return z.NEVER;
      }
      return name;
    }),
  'A module name: letters, digits, `_` and `-`, 1 to 64 characters; a `.so`, `.js`, `.mjs` or `.cjs` suffix is accepted and stripped.',
);

/** The body of calls that take none: absent, or an empty JSON object. */
export const EmptyBody = z.strictObject({}).nullish();

export const ModuleNameParams = z.strictObject({ name: ModuleNameInput });

/** User ids are made by the core (`u23-<boot id>`); this only keeps paths sane. */
export const UserIdParams = z.strictObject({
  id: described(
    z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'not a user id'),
    'A user id as listed by `GET /users`, e.g. `u23-5c0e9d2a71f3`: it ends with the boot id, so an id from before a restart names no user.',
  ),
});

export const ModuleStateSchema = named(
  'ModuleState',
  z.enum(MODULE_STATES),
  'available: known, not running; loading; running; unloading; stopped: instance stopped, lib kept (block_unload); failed; declined.',
);

export const UserKindSchema = named('UserKind', z.enum(USER_KINDS));

export const OriginSchema = named(
  'Origin',
  z.object({ file: z.string(), line: z.number().int() }),
  'Where something was declared: a config file and line.',
);

export const UserSchema = named(
  'User',
  z.object({
    id: z.string(),
    kind: UserKindSchema,
    holder: described(z.string(), 'Who holds it: `admin`, the dependent module, `dialplan:ctx,exten,prio`, a client name, …'),
    module: described(z.string(), 'The module being held.'),
    owner: described(z.string().optional(), 'For module, dialplan and config users: the dependent module; for channels: the module that made it.'),
    cancellable: z.boolean().optional(),
    weak: described(
      z.boolean().optional(),
      'A hold taken with ctx.use on something the holder only lists in [canuse]: it never keeps the module running on its own (SPEC 6.9).',
    ),
    origin: OriginSchema.optional(),
    reason: z.string().optional(),
    since: described(z.string(), 'ISO 8601 time the user was added.'),
  }),
  'A user: anything holding a module instance (SPEC 2).',
);

export const PlanStepSchema = named(
  'PlanStep',
  z.object({
    module: z.string(),
    action: described(
      z.enum(PLAN_ACTIONS),
      '`declined` and `load_failed` steps report a provider that did not start; the plan then moved on to the next best provider (SPEC 6.1).',
    ),
    user: z
      .object({ id: z.string().optional(), kind: UserKindSchema, holder: z.string(), weak: z.boolean().optional() })
      .optional(),
    direction: z.enum(['dependents', 'dependencies']).optional(),
    reason: described(z.string().optional(), 'For `declined` and `load_failed` steps: why.'),
  }),
  'One step of an operation, in the order it was (or, with dry_run, would be) carried out.',
);

export const OpResultSchema = named(
  'OpResult',
  z.object({
    op: described(z.string(), 'The operation id; every event the operation caused carries it.'),
    plan: z.array(PlanStepSchema),
    dry_run: z.boolean(),
    state: ModuleStateSchema.optional(),
    users: described(z.array(UserSchema).optional(), 'Users still holding the module afterwards (a soft unload lists them).'),
    pending: described(z.array(UserSchema).optional(), 'Firm unload: users asked to go that have not yet.'),
    user: UserSchema.optional(),
    failures: described(
      z.array(z.object({ module: z.string(), code: z.string(), message: z.string() })).optional(),
      'Startup and config reload: loads that failed without failing the whole operation.',
    ),
    warnings: described(
      z.array(z.object({ file: z.string(), line: z.number().int(), message: z.string() })).optional(),
      'Startup and config reload: policy lines that name no module, with file and line.',
    ),
  }),
  'The answer of a state-changing call (SPEC 9).',
);

/** The keys of `T` that `U` lacks. */
type Lost<U, T> = Exclude<keyof T, keyof U>;

/**
 * Compiles only when `T` (what the core returns) is assignable to `U` (a schema's output) and
 * has no key `U` lacks: a field the core adds must reach the schema, or the serializer would
 * strip it silently. The error names the missing key.
 */
export type Accepts<U, T extends U & { [K in Lost<U, T>]: never }> = T;
type _UserCheck = Accepts<z.output<typeof UserSchema>, UserInfo>;
type _OpResultCheck = Accepts<z.output<typeof OpResultSchema>, OpResult>;
type _PlanStepCheck = Accepts<z.output<typeof PlanStepSchema>, PlanStep>;
