/**
 * Turns what one module's source gave (MODULEINFO, DOCUMENTATION and, for `.c`, the macro) into
 * a {@link Manifest}. MODULEINFO wins where both say something (support_level, load_priority,
 * description); uses and canuse are the union, each entry written once.
 */
import type { Manifest } from '../../core/manifest.js';
import type { ManifestProblem } from '../problem.js';
import { manifestSchema } from '../schema.js';
import { addRef, type ManifestDraft } from './draft.js';
import type { ModuleInfoMacro } from './module-info-macro.js';

/** Folds the macro's data into `draft` (which is changed). */
export function mergeMacro(draft: ManifestDraft, macro: ModuleInfoMacro): void {
  for (const { value, line } of macro.requires) addRef(draft.uses, { value: { type: 'module', name: value }, line });
  for (const { value, line } of macro.optional) addRef(draft.canuse, { value: { type: 'module', name: value }, line });
  draft.load_priority ??= macro.load_priority;
  draft.support_level ??= macro.support_level;
  draft.description ??= macro.description;
  if (macro.export_globals) draft.export_globals ??= { value: true, line: macro.line };
}

/**
 * The finished manifest, validated by the same schema that checks manifest files. A failure
 * here means the extraction let something through that the format forbids: it is reported as
 * a problem, never written.
 */
export function draftToManifest(
  draft: ManifestDraft,
  name: string,
  checksum: string,
  file: string,
): { manifest: Manifest } | { problems: ManifestProblem[] } {
  const parsed = manifestSchema.safeParse({
    name,
    checksum,
    support_level: draft.support_level?.value,
    load_priority: draft.load_priority?.value,
    export_globals: draft.export_globals ? 'yes' : undefined,
    config: draft.config.map((c) => c.value),
    description: draft.description?.value,
    uses: draft.uses.map((u) => u.value),
    canuse: draft.canuse.map((u) => u.value),
    provides: draft.provides.map(({ value }) => ({ type: value.type, name: value.priority === 0 ? value.name : `${value.name}:${value.priority}` })),
  });
  if (parsed.success) return { manifest: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => ({
      file,
      key: issue.path.join('.'),
      code: 'invalid_value' as const,
      message: issue.message,
    })),
  };
}
