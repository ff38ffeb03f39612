/**
 * Planning a load (SPEC 6.1, 6.2, 6.6): the closure of what must start, resolved through the
 * provider index, checked for bans, missing providers and cycles, and put in load order.
 * Pure over a read-only view of the loader. O(V + E) for the closure and cycle check, plus the
 * O(V log V) ranked ordering, where V and E count only modules that are not running yet (a
 * running module's dependencies are running already and are not walked again).
 */
import { LoaderError } from './errors.js';
import type { Candidate, ProviderIndex } from './graph/providers.js';
import { EdgeList, orderIndices } from './graph/order.js';
import type { DeclaredDependency, ModuleEntry } from './model.js';
import { isActive } from './state.js';

export interface PlanningView {
  entry(name: string): ModuleEntry | undefined;
  declared(entry: ModuleEntry): readonly DeclaredDependency[];
  /** {@link resolveAll} of the entry; the loader caches it until the manifests or policy change. */
  resolved(entry: ModuleEntry): ResolvedDependencies;
  readonly index: ProviderIndex;
  banned(name: string): boolean;
  rank(name: string): number;
}

/** How all of a module's declared dependencies resolve right now. Shared: do not modify. */
export interface ResolvedDependencies {
  /** In declaration order: each with its provider, or null for an optional one nothing provides. */
  resolutions: Resolution[];
  /** The provider entry of each resolution (null where the provider is null). */
  targets: Array<ModuleEntry | null>;
  /** The distinct provider entries, in first-use order. */
  providers: ModuleEntry[];
  /** Required dependencies without a loadable provider, with the banned candidates passed over. */
  unresolved: Array<{ dep: DeclaredDependency; banned: string[] }>;
}

export interface Resolution {
  dep: DeclaredDependency;
  /** null: optional (dialplan) dependency that nothing provides. */
  provider: string | null;
}

export interface LoadPlan {
  /** Modules to start, dependencies first. */
  order: string[];
  /** The same modules' entries, in the same order. */
  entries: ModuleEntry[];
  /** How each one's dependencies resolved when planned, in the same order. */
  resolutions: Resolution[][];
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

/** Resolves every declared dependency of `entry` (SPEC 6.1). O(its dependencies · candidates). */
export function resolveAll(view: PlanningView, entry: ModuleEntry): ResolvedDependencies {
  const resolutions: Resolution[] = [];
  const targets: Array<ModuleEntry | null> = [];
  const providers: ModuleEntry[] = [];
  const unresolved: ResolvedDependencies['unresolved'] = [];
  for (const dep of view.declared(entry)) {
    const resolved = resolveDependency(view, dep);
    if ('provider' in resolved) {
      const target = view.entry(resolved.provider)!;
      resolutions.push({ dep, provider: resolved.provider });
      targets.push(target);
      if (!providers.includes(target)) providers.push(target);
    } else if (dep.optional) {
      resolutions.push({ dep, provider: null });
      targets.push(null);
    } else {
      unresolved.push({ dep, banned: resolved.banned });
    }
  }
  return { resolutions, targets, providers, unresolved };
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/** Distinguishes one plan's scratch marks on the entries from every other plan's. */
let epochs = 0;

/**
 * Plans starting `roots` (and everything they need that is not running). Throws
 * `unknown_module`, `neverload` (a root or a `module=` dependency is banned),
 * `unresolved_dependency` (every missing item and who needs it) or `dependency_cycle` (the whole
 * path and where each edge was declared, found by a deterministic depth-first walk).
 */
export function planLoad(view: PlanningView, roots: readonly string[]): LoadPlan {
  const epoch = ++epochs;
  const missing: Array<Record<string, unknown>> = [];
  // Every module to start, by index (planIndex, in discovery order), and the edges between them.
  const nodes: ModuleEntry[] = [];
  const resolutions: Resolution[][] = [];
  const edges = new EdgeList();
  const colorOf = (e: ModuleEntry): number => (e.planEpoch === epoch ? e.planColor : WHITE);

  for (const root of roots) {
    const entry = view.entry(root);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${root}`, { module: root });
    if (view.banned(root)) {
      throw new LoaderError('neverload', `${root} is banned by neverload in modules.conf`, { module: root });
    }
    if (isActive(entry.state) || colorOf(entry) !== WHITE) continue;

    // Iterative DFS over entries; each entry on the stack keeps its next dependency in planNext.
    const stack: ModuleEntry[] = [];
    const enter = (e: ModuleEntry): void => {
      e.planEpoch = epoch;
      e.planColor = GREY;
      e.planIndex = nodes.length;
      e.planNext = 0;
      nodes.push(e);
      const resolved = view.resolved(e);
      resolutions.push(resolved.resolutions);
      for (const { dep, banned } of resolved.unresolved) {
        if (dep.type === 'module' && banned.length > 0) {
          throw new LoaderError('neverload', `${e.name} needs ${dep.name}, which is banned by neverload`, {
            module: dep.name,
            needed_by: e.name,
            declared_in: declaredAt(dep),
          });
        }
        missing.push({
          type: dep.type,
          name: dep.name,
          needed_by: e.name,
          declared_in: declaredAt(dep),
          ...(banned.length > 0 ? { banned_providers: banned } : {}),
        });
      }
      stack.push(e);
    };
    enter(entry);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = top.resolvedCache?.value.targets ?? view.resolved(top).targets;
      if (top.planNext < targets.length) {
        const target = targets[top.planNext++];
        if (!target || isActive(target.state)) continue;
        const c = colorOf(target);
        if (c === GREY) throw cycleError(view, stack, target);
        if (c === WHITE) enter(target);
        // A provider named twice gives two edges; Kahn counts both ways, so the order is the same.
        edges.add(target.planIndex, top.planIndex);
        continue;
      }
      stack.pop();
      top.planColor = BLACK;
    }
  }

  if (missing.length > 0) {
    const list = missing.map((m) => `${m.type}=${m.name} (needed by ${m.needed_by})`).join(', ');
    throw new LoaderError('unresolved_dependency', `nothing provides ${list}`, { missing });
  }

  const ranks = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) ranks[i] = nodes[i]!.rank;
  const order = orderIndices(nodes.length, edges, ranks);
  const plan: LoadPlan = { order: new Array<string>(order.length), entries: new Array<ModuleEntry>(order.length), resolutions: new Array<Resolution[]>(order.length) };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    plan.entries[k] = nodes[i]!;
    plan.order[k] = nodes[i]!.name;
    plan.resolutions[k] = resolutions[i]!;
  }
  return plan;
}

function cycleError(view: PlanningView, stack: ModuleEntry[], closing: ModuleEntry): LoaderError {
  const frames = stack.slice(stack.indexOf(closing));
  let edges = frames.map((e) => {
    const { dep, provider } = view.resolved(e).resolutions[e.planNext - 1]!;
    return { from: e.name, to: provider!, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) };
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
