/**
 * Dependency resolution (SPEC 6.1): a `uses` of `type=name` resolves to the best loadable
 * provider — among modules that provide it and are neither banned, removed, nor excluded (they
 * declined or failed earlier in the same operation), the highest priority, then the name in
 * byte order. `module=X` is X itself, with no fallback.
 */
import type { ProviderIndex } from '../graph/providers.js';
import { declaredIn, type DeclaredDependency, type ModuleEntry } from '../model.js';

/** What planning reads of the loader. The module table implements it. */
export interface PlanningView {
  entry(name: string): ModuleEntry | undefined;
  declared(entry: ModuleEntry): readonly DeclaredDependency[];
  /** {@link resolveAll} of the entry with nothing excluded, cached by the table. */
  resolved(entry: ModuleEntry): ResolvedDependencies;
  readonly index: ProviderIndex;
  banned(name: string): boolean;
  rank(name: string): number;
  /** One more than the largest module id: the size of side tables indexed by id. */
  readonly idLimit: number;
}

/**
 * How a module's declared dependencies resolve: parallel arrays, `deps[i]` resolved to
 * `targets[i]` (null: a dialplan application nothing provides). Shared: do not modify.
 */
export interface ResolvedDependencies {
  /** The resolved declarations: the declared list itself when nothing is unresolved. */
  deps: readonly DeclaredDependency[];
  targets: ReadonlyArray<ModuleEntry | null>;
  /** Required dependencies without a loadable provider, with the candidates passed over. */
  unresolved: readonly Unresolved[];
}

export interface Unresolved {
  dep: DeclaredDependency;
  /** Candidates passed over because neverload bans them. */
  banned: string[];
  /** Candidates passed over because they declined or failed earlier in the operation. */
  failed: string[];
}

type Resolved = { provider: string } | { missing: true; banned: string[]; failed: string[] };

const NONE: readonly Unresolved[] = Object.freeze([]);

/** Where a dependency was declared, as cycle and refusal details print it. */
export function declaredAt(dep: DeclaredDependency): string {
  const origin = declaredIn(dep);
  return origin.file === 'manifest' ? 'manifest' : `${origin.file}:${origin.line}`;
}

/** Resolves one dependency to the best loadable provider, passing over `excluded` modules. */
export function resolveDependency(view: PlanningView, dep: DeclaredDependency, excluded?: ReadonlySet<string>): Resolved {
  if (dep.type === 'module') {
    const target = view.entry(dep.name);
    if (!target || target.removed) return { missing: true, banned: [], failed: [] };
    if (view.banned(dep.name)) return { missing: true, banned: [dep.name], failed: [] };
    if (excluded?.has(dep.name)) return { missing: true, banned: [], failed: [dep.name] };
    return { provider: dep.name };
  }
  const banned: string[] = [];
  const failed: string[] = [];
  for (const candidate of view.index.candidates(dep.type, dep.name)) {
    const entry = view.entry(candidate.module);
    if (!entry || entry.removed) continue;
    if (view.banned(candidate.module)) banned.push(candidate.module);
    else if (excluded?.has(candidate.module)) failed.push(candidate.module);
    else return { provider: candidate.module };
  }
  return { missing: true, banned, failed };
}

/** Resolves every declared dependency of `entry`. O(its dependencies · candidates). */
export function resolveAll(view: PlanningView, entry: ModuleEntry, excluded?: ReadonlySet<string>): ResolvedDependencies {
  const declared = view.declared(entry);
  const targets: Array<ModuleEntry | null> = [];
  let unresolved: Unresolved[] | null = null;
  for (const dep of declared) {
    const resolved = resolveDependency(view, dep, excluded);
    if ('provider' in resolved) targets.push(view.entry(resolved.provider)!);
    else if (dep.optional) targets.push(null);
    else (unresolved ??= []).push({ dep, banned: resolved.banned, failed: resolved.failed });
  }
  if (!unresolved) return { deps: declared, targets, unresolved: NONE };
  const failed = new Set(unresolved.map((u) => u.dep));
  return { deps: declared.filter((d) => !failed.has(d)), targets, unresolved };
}

/** The entry's resolutions with `excluded` passed over: the cached ones unless they chose one. */
export function resolvedWithout(view: PlanningView, entry: ModuleEntry, excluded: ReadonlySet<string>): ResolvedDependencies {
  const cached = view.resolved(entry);
  if (excluded.size === 0 || !cached.targets.some((t) => t !== null && excluded.has(t.name))) return cached;
  return resolveAll(view, entry, excluded);
}
