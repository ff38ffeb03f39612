/**
 * The provider index (SPEC 6.1): for every `type=name` that some manifest provides, the
 * candidate modules ranked best first (highest priority, then module name in byte order).
 * Every module implicitly provides `module=<its name>`.
 */
import type { Manifest } from '../manifest.js';

export interface Candidate {
  module: string;
  priority: number;
}

/** Byte-order string comparison (not locale-aware), as SPEC 6.1 asks. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function key(type: string, name: string): string {
  return `${type}\u0000${name}`;
}

function rank(a: Candidate, b: Candidate): number {
  return b.priority - a.priority || compareNames(a.module, b.module);
}

export class ProviderIndex {
  private readonly byKey = new Map<string, Candidate[]>();
  private readonly modules = new Set<string>();

  /** O(total provides · log) to build. */
  constructor(manifests: Iterable<Manifest>) {
    for (const manifest of manifests) {
      this.modules.add(manifest.name);
      for (const provided of manifest.provides) {
        const k = key(provided.type, provided.name);
        let list = this.byKey.get(k);
        if (!list) this.byKey.set(k, (list = []));
        if (!list.some((c) => c.module === manifest.name)) {
          list.push({ module: manifest.name, priority: provided.priority });
        }
      }
    }
    for (const list of this.byKey.values()) list.sort(rank);
  }

  /**
   * The candidates for `type=name`, best first. For `module=X` that is X alone when a
   * manifest of X exists. Returns a shared array: do not modify it.
   */
  candidates(type: string, name: string): readonly Candidate[] {
    if (type === 'module') return this.modules.has(name) ? [{ module: name, priority: 0 }] : [];
    return this.byKey.get(key(type, name)) ?? [];
  }

  /** The best candidate that `allowed` accepts (default: any), or undefined. O(candidates). */
  best(type: string, name: string, allowed?: (module: string) => boolean): Candidate | undefined {
    for (const candidate of this.candidates(type, name)) {
      if (!allowed || allowed(candidate.module)) return candidate;
    }
    return undefined;
  }

  /** Every provided `type=name` with its ranked candidates (module= entries excluded). */
  *entries(): IterableIterator<{ type: string; name: string; candidates: readonly Candidate[] }> {
    for (const [k, candidates] of this.byKey) {
      const at = k.indexOf('\u0000');
      yield { type: k.slice(0, at), name: k.slice(at + 1), candidates };
    }
  }
}
