/**
 * The manifest's rules (SPEC 3) as zod schemas. {@link manifestSchema} validates the flat record
 * the INI parser (and the source generator) builds, and its output is exactly the core's
 * {@link Manifest}: checked at compile time below, so the two can never drift apart.
 */
import { z } from 'zod';
import { LOAD_PRIORITIES, SUPPORT_LEVELS, type Manifest } from '../core/manifest.js';
import { MODULE_NAME_PATTERN } from '../core/names.js';

/** `[uses]`/`[canuse]`/`[provides]` types: an open set of lower-case identifiers. */
export const REF_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;
/** What a provided or used name may be (`Gosub`, `PERIODIC_HOOK`, `sqlite3`, `timer`). */
export const REF_NAME_PATTERN = /^[A-Za-z0-9_.+-]{1,128}$/;
/** md5 (32 hex digits, the proposal's form) or `sha256:` and 64 hex digits. */
export const CHECKSUM_PATTERN = /^(?:[0-9a-fA-F]{32}|sha256:[0-9a-fA-F]{64})$/;
/** A config file the module reads: a bare file name, never a path. */
export const CONFIG_FILE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A `[provides]` value: a name with an optional `:N` integer priority. */
const PROVIDED_PATTERN = /^([^:]*)(?::(-?\d{1,9}))?$/;
/** One line of printable text, no surrounding blanks (so it survives the INI round trip). */
export const DESCRIPTION_PATTERN = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/;

export const moduleNameSchema = z
  .string()
  .regex(MODULE_NAME_PATTERN, 'must be 1-64 letters, digits, "_" or "-"');

export const checksumSchema = z
  .string()
  .regex(CHECKSUM_PATTERN, 'must be 32 hex digits (md5) or sha256:<64 hex digits>')
  .transform((s) => s.toLowerCase());

export const supportLevelSchema = z.enum(SUPPORT_LEVELS, {
  error: `must be one of ${SUPPORT_LEVELS.join(', ')}`,
});

export const loadPrioritySchema = z.enum(LOAD_PRIORITIES, {
  error: `must be one of ${LOAD_PRIORITIES.join(', ')}`,
});

export const configFileSchema = z
  .string()
  .regex(CONFIG_FILE_PATTERN, 'must be a config file name such as extensions.conf (no path)');

export const descriptionSchema = z
  .string()
  .max(512, 'must be at most 512 characters')
  .regex(DESCRIPTION_PATTERN, 'must be one line of printable text without surrounding blanks');

export const refTypeSchema = z
  .string()
  .regex(REF_TYPE_PATTERN, 'type must be lower case: a letter, then letters, digits or "_"');

export const refNameSchema = z
  .string()
  .regex(REF_NAME_PATTERN, 'name must be letters, digits, "_", ".", "+" or "-" (at most 128)');

/** A `[uses]` or `[canuse]` line. `module=X` must name a valid module. */
export const refSchema = z
  .object({ type: refTypeSchema, name: refNameSchema })
  .check((ctx) => {
    const { type, name } = ctx.value;
    if (type === 'module' && REF_NAME_PATTERN.test(name) && !MODULE_NAME_PATTERN.test(name)) {
      ctx.issues.push({ code: 'custom', input: name, path: ['name'], message: 'module=X must name a valid module' });
    }
  });

/** A `[provides]` line as written (`timer:200`), turned into name and priority (default 0). */
export const providedRefSchema = z
  .object({
    type: refTypeSchema,
    name: z.string().regex(PROVIDED_PATTERN, 'only a trailing ":N" integer priority may follow the name'),
  })
  .transform(({ type, name }, ctx) => {
    const [, bare = '', priority] = PROVIDED_PATTERN.exec(name) ?? [];
    const checked = refNameSchema.safeParse(bare);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        ctx.issues.push({ code: 'custom', input: bare, path: ['name'], message: issue.message });
      }
      return z.NEVER;
    }
    return { type, name: bare, priority: priority === undefined ? 0 : Number(priority) };
  });

/** Reports every `type=name` listed twice in one section (at the repeat's index). */
function noDuplicates(section: 'uses' | 'canuse' | 'provides') {
  return (entries: Array<{ type: string; name: string }>, ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      const key = `${entry.type}=${entry.name}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [section, index],
          message: `${key} is listed twice`,
          params: { problem: 'duplicate_entry' },
        });
      }
      seen.add(key);
    });
  };
}

/**
 * The flat record of one manifest: `[module]` keys at the top, `[uses]`, `[canuse]` and
 * `[provides]` as lists. Unknown keys are errors. Output: a core {@link Manifest}.
 */
export const manifestSchema = z
  .strictObject({
    name: moduleNameSchema,
    checksum: checksumSchema,
    support_level: supportLevelSchema.optional(),
    load_priority: loadPrioritySchema.optional(),
    export_globals: z
      .enum(['yes', 'no'], { error: 'must be yes or no' })
      .optional()
      .transform((value) => value === 'yes'),
    config: z.array(configFileSchema).default([]),
    description: descriptionSchema.optional(),
    uses: z.array(refSchema).default([]),
    canuse: z.array(refSchema).default([]),
    provides: z.array(providedRefSchema).default([]),
  })
  .superRefine((m, ctx) => {
    noDuplicates('uses')(m.uses, ctx);
    noDuplicates('canuse')(m.canuse, ctx);
    noDuplicates('provides')(m.provides, ctx);
  });

/** What {@link manifestSchema} accepts (as built from INI text). */
export type ManifestRecord = z.input<typeof manifestSchema>;

// ---- compile-time proof that the schema's output is exactly the core's Manifest: assignable
// both ways, and identical (optional keys included), so a change to either fails the build.
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Identical<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const outputIsManifest: MutuallyAssignable<z.output<typeof manifestSchema>, Manifest> &
  Identical<z.output<typeof manifestSchema>, Manifest> = true;
void outputIsManifest;
