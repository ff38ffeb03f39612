/**
 * Planning a load (SPEC 6.1, 6.2, 6.6): the closure of what must start, resolved through the
 * provider index, checked for bans, missing providers and cycles, and put in load order.
 * Pure over a read-only view of the loader. O(V + E) for the closure and cycle check, plus the
 * O(V log V) ranked ordering, where V and E count only modules that are not running yet (a
 * running module's dependencies are running already and are not walked again).
 */
import { LoaderError } from './errors.js';
import type { Candidate, ProviderIndex } from './graph/providers.js';
import { orderByDependencies } from './graph/order.js';
import type { DeclaredDependency, ModuleEntry } from './model.js';
import { isActive } from './state.js';

export interface PlanningView {
  entry(name: string): ModuleEntry | undefined;
  declared(entry: ModuleEntry): DeclaredDependency[];
  readonly index: ProviderIndex;
  banned(name: string): boolean;
  rank(name: string): number;
}

export interface Resolution {
  dep: DeclaredDependency;
  /** null: optional (dialplan) dependency that nothing provides. */
  provider: string | null;
}

export interface LoadPlan {
  /** Modules to start, dependencies first. */
  order: string[];
  /** For each module in `order`, how each of its dependencies resolved. */
  resolutions: Map<string, Resolution[]>;
}

/** Where a dependency was declared, as cycle and refusal details print it. */
export function declaredAt(dep: DeclaredDependency): string {
  return dep.origin.file === 'manifest' ? 'manifest' : `${dep.origin.file}:${dep.origin.line}`;
}

type Resolved = { provider: string } | { missing: true; banned: string[] };

/** Resolves one dependency to the best loadable provider (SPEC 6.1). */
export function resolveDependency(view: PlanningView, dep: DeclaredDependency): Resolved {
  if (dep.type === 'module') {
    const target = view.entry(dep.name);
    if (!target || target.removed) return { missing: true, banned: [] };
    if (view.banned(dep.name)) return { missing: true, banned: [dep.name] };
    return { provider: dep.name };
  }
  const candidates: readonly Candidate[] = view.index.candidates(dep.type, dep.name);
  const banned: string[] = [];
  for (const candidate of candidates) {
    const entry = view.entry(candidate.module);
    if (!entry || entry.removed) continue;
    if (view.banned(candidate.module)) {
      banned.push(candidate.module);
      continue;
    }
    return { provider: candidate.module };
  }
  return { missing: true, banned };
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/**
 * Plans starting `roots` (and everything they need that is not running). Throws
 * `unknown_module`, `neverload` (a root or a `module=` dependency is banned),
 * `unresolved_dependency` (every missing item and who needs it) or `dependency_cycle` (the whole
 * path and where each edge was declared, found by a deterministic depth-first walk).
 */
export function planLoad(view: PlanningView, roots: readonly string[]): LoadPlan {
  const color = new Map<string, number>();
  const resolutions = new Map<string, Resolution[]>();
  const missing: Array<Record<string, unknown>> = [];
  const visited: string[] = [];

  for (const root of roots) {
    const entry = view.entry(root);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${root}`, { module: root });
    if (view.banned(root)) {
      throw new LoaderError('neverload', `${root} is banned by neverload in modules.conf`, { module: root });
    }
    if (isActive(entry.state) || color.get(root) === BLACK) continue;

    // Iterative DFS; the stack holds each module with the index of its next dependency.
    const stack: Array<{ entry: ModuleEntry; deps: Resolution[]; next: number }> = [];
    const enter = (e: ModuleEntry): void => {
      color.set(e.name, GREY);
      const deps: Resolution[] = [];
      for (const dep of view.declared(e)) {
        const resolved = resolveDependency(view, dep);
        if ('provider' in resolved) {
          deps.push({ dep, provider: resolved.provider });
        } else if (dep.optional) {
          deps.push({ dep, provider: null });
        } else if (dep.type === 'module' && resolved.banned.length > 0) {
          throw new LoaderError('neverload', `${e.name} needs ${dep.name}, which is banned by neverload`, {
            module: dep.name,
            needed_by: e.name,
            declared_in: declaredAt(dep),
          });
        } else {
          missing.push({
            type: dep.type,
            name: dep.name,
            needed_by: e.name,
            declared_in: declaredAt(dep),
            ...(resolved.banned.length > 0 ? { banned_providers: resolved.banned } : {}),
          });
        }
      }
      resolutions.set(e.name, deps);
      stack.push({ entry: e, deps, next: 0 });
    };
    enter(entry);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.deps.length) {
        const { provider } = frame.deps[frame.next++]!;
        if (provider === null) continue;
        const target = view.entry(provider)!;
        if (isActive(target.state)) continue;
        const c = color.get(provider) ?? WHITE;
        if (c === GREY) throw cycleError(stack, provider);
        if (c === WHITE) enter(target);
        continue;
      }
      stack.pop();
      color.set(frame.entry.name, BLACK);
      visited.push(frame.entry.name);
    }
  }

  if (missing.length > 0) {
    const list = missing.map((m) => `${m.type}=${m.name} (needed by ${m.needed_by})`).join(', ');
    throw new LoaderError('unresolved_dependency', `nothing provides ${list}`, { missing });
  }

  const order = orderByDependencies(
    visited,
    (name) => providersOf(resolutions.get(name) ?? []),
    (name) => view.rank(name),
  );
  return { order, resolutions };
}

function* providersOf(resolutions: Resolution[]): Iterable<string> {
  for (const r of resolutions) if (r.provider !== null) yield r.provider;
}

function cycleError(
  stack: Array<{ entry: ModuleEntry; deps: Resolution[]; next: number }>,
  closing: string,
): LoaderError {
  const start = stack.findIndex((f) => f.entry.name === closing);
  const frames = stack.slice(start);
  let edges = frames.map((f) => {
    const { dep, provider } = f.deps[f.next - 1]!;
    return { from: f.entry.name, to: provider!, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) };
  });
  // Report the cycle from its smallest member, so it reads the same whichever module was asked for.
  let first = 0;
  edges.forEach((e, i) => {
    if (e.from < edges[first]!.from) first = i;
  });
  edges = [...edges.slice(first), ...edges.slice(0, first)];
  const cycle = [...edges.map((e) => e.from), edges[0]!.from];
  return new LoaderError('dependency_cycle', `dependency cycle: ${cycle.join(' -> ')}`, { cycle, edges });
}
