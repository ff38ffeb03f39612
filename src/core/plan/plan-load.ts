/**
 * Planning a load (SPEC 6.1, 6.2, 6.6): the closure of what must start, resolved through the
 * provider index, checked for bans, missing providers and cycles, and put in load order.
 * Pure over a read-only {@link PlanningView}; the walk's marks live in side tables indexed by
 * module id. O(V + E) for the closure and cycle check, plus O(V log V) for the ranked order,
 * where V and E count only modules that are not running yet (a running module's dependencies
 * are running already and are not walked again).
 */
import { LoaderError } from '../errors.js';
import { EdgeList, orderIndices } from '../graph/order.js';
import type { DeclaredDependency, ModuleEntry } from '../model.js';
import { isActive } from '../state.js';
import { declaredAt, resolvedWithout, type PlanningView, type ResolvedDependencies } from './resolve.js';

export interface LoadPlan {
  /** Modules to start, dependencies first. */
  order: string[];
  /** The same modules' entries, in the same order. */
  entries: ModuleEntry[];
  /** How each one's dependencies resolved when planned, in the same order. */
  resolved: ResolvedDependencies[];
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;
const NOTHING: ReadonlySet<string> = new Set();

/**
 * The walk's marks by module id, stamped with the plan's epoch so they never need clearing.
 * Planning is synchronous, so one set of tables serves every plan.
 */
const marks = {
  epoch: new Int32Array(0),
  color: new Uint8Array(0),
  /** Position in the plan's node list. */
  node: new Int32Array(0),
  /** The next dependency to visit. */
  next: new Int32Array(0),
  current: 0,
};

function fitMarks(size: number): void {
  if (marks.epoch.length >= size) return;
  const grow = Math.max(size, marks.epoch.length * 2, 64);
  const epoch = new Int32Array(grow);
  epoch.set(marks.epoch);
  marks.epoch = epoch;
  marks.color = new Uint8Array(grow);
  marks.node = new Int32Array(grow);
  marks.next = new Int32Array(grow);
}

/**
 * Plans starting `roots` (and everything they need that is not running), passing over
 * `excluded` modules (declined or failed earlier in the operation). Throws `unknown_module`,
 * `neverload` (a root or a `module=` dependency is banned), `load_failed` (a root is excluded),
 * `unresolved_dependency` (every missing item and who needs it) or `dependency_cycle` (the
 * whole path and where each edge was declared, found by a deterministic depth-first walk).
 */
export function planLoad(view: PlanningView, roots: readonly string[], excluded: ReadonlySet<string> = NOTHING): LoadPlan {
  fitMarks(view.idLimit);
  const epoch = ++marks.current;
  const missing: Array<Record<string, unknown>> = [];
  const nodes: ModuleEntry[] = [];
  const resolved: ResolvedDependencies[] = [];
  const edges = new EdgeList();
  const colorOf = (e: ModuleEntry): number => (marks.epoch[e.id] === epoch ? marks.color[e.id]! : WHITE);

  const enter = (e: ModuleEntry, stack: ModuleEntry[]): void => {
    marks.epoch[e.id] = epoch;
    marks.color[e.id] = GREY;
    marks.node[e.id] = nodes.length;
    marks.next[e.id] = 0;
    nodes.push(e);
    const r = resolvedWithout(view, e, excluded);
    resolved.push(r);
    for (const { dep, banned, failed } of r.unresolved) {
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
        ...(failed.length > 0 ? { failed_providers: failed } : {}),
      });
    }
    stack.push(e);
  };

  for (const root of roots) {
    const entry = view.entry(root);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${root}`, { module: root });
    if (view.banned(root)) throw new LoaderError('neverload', `${root} is banned by neverload in modules.conf`, { module: root });
    if (excluded.has(root)) {
      throw new LoaderError('load_failed', `${root} did not load earlier in this operation: ${entry.reason ?? entry.state}`, {
        module: root,
        reason: entry.reason ?? entry.state,
        rolled_back: [],
      });
    }
    if (isActive(entry.state) || colorOf(entry) !== WHITE) continue;

    // Iterative DFS; each module on the stack keeps its next dependency in the side table.
    const stack: ModuleEntry[] = [];
    enter(entry, stack);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = resolved[marks.node[top.id]!]!.targets;
      const k = marks.next[top.id]!;
      if (k < targets.length) {
        marks.next[top.id] = k + 1;
        const target = targets[k];
        if (!target || isActive(target.state)) continue;
        const c = colorOf(target);
        if (c === GREY) {
          throw cycleError(stack, target, (e) => {
            const r = resolved[marks.node[e.id]!]!;
            const k = marks.next[e.id]! - 1;
            return { dep: r.deps[k]!, provider: r.targets[k]!.name };
          });
        }
        if (c === WHITE) enter(target, stack);
        // A provider named twice gives two edges; Kahn counts both ways, so the order is the same.
        edges.add(marks.node[target.id]!, marks.node[top.id]!);
        continue;
      }
      stack.pop();
      marks.color[top.id] = BLACK;
    }
  }

  if (missing.length > 0) {
    const list = missing.map((m) => `${m.type}=${m.name} (needed by ${m.needed_by})`).join(', ');
    throw new LoaderError('unresolved_dependency', `nothing provides ${list}`, { missing });
  }

  const ranks = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) ranks[i] = nodes[i]!.rank;
  const order = orderIndices(nodes.length, edges, ranks);
  const plan: LoadPlan = {
    order: new Array<string>(order.length),
    entries: new Array<ModuleEntry>(order.length),
    resolved: new Array<ResolvedDependencies>(order.length),
  };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    plan.entries[k] = nodes[i]!;
    plan.order[k] = nodes[i]!.name;
    plan.resolved[k] = resolved[i]!;
  }
  return plan;
}

/** The cycle closed by `closing` on the walk's stack, reported from its smallest member. */
function cycleError(stack: ModuleEntry[], closing: ModuleEntry, edgeOf: (e: ModuleEntry) => { dep: DeclaredDependency; provider: string }): LoaderError {
  const frames = stack.slice(stack.indexOf(closing));
  let edges = frames.map((e) => {
    const { dep, provider } = edgeOf(e);
    return { from: e.name, to: provider, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) };
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
