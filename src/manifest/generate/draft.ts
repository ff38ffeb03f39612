/**
 * What the extraction rules gather from one module's sources before it becomes a manifest:
 * every item remembers its line, so later conflicts can name it. {@link addRef} de-duplicates
 * (an entry found twice, e.g. in MODULEINFO and in `.requires`, is written once).
 */
import type { LoadPriority, ProvidedRef, Ref, SupportLevel } from '../../core/manifest.js';

export interface Located<T> {
  value: T;
  line: number;
}

export interface ManifestDraft {
  support_level?: Located<SupportLevel>;
  load_priority?: Located<LoadPriority>;
  export_globals?: Located<true>;
  config: Array<Located<string>>;
  description?: Located<string>;
  uses: Array<Located<Ref>>;
  canuse: Array<Located<Ref>>;
  provides: Array<Located<ProvidedRef>>;
}

export function emptyDraft(): ManifestDraft {
  return { config: [], uses: [], canuse: [], provides: [] };
}

/**
 * Adds `ref` unless the same `type=name` is already there. Returns the entry already listed
 * when it differs (a provider with another priority), so the caller can report the conflict.
 */
export function addRef<T extends Ref>(list: Array<Located<T>>, ref: Located<T>): Located<T> | undefined {
  const existing = list.find((e) => e.value.type === ref.value.type && e.value.name === ref.value.name);
  if (!existing) {
    list.push(ref);
    return undefined;
  }
  const samePriority = (existing.value as Partial<ProvidedRef>).priority === (ref.value as Partial<ProvidedRef>).priority;
  return samePriority ? undefined : existing;
}
