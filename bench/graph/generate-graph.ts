/**
 * Random module graphs shaped like a real module tree (SPEC 3 manifests), from a fixed seed:
 *
 * - a few hubs (`res_hub_*`) that a third of all edges point at, as `res_pjsip` or
 *   `res_stasis` are in Asterisk;
 * - long chains: runs of 10–300 modules where each uses the one before it;
 * - providers with priorities: services with 2–4 providers each (`service=svc_k:N`, only the
 *   best is used), and applications (`application=AppN`) resolved through the provider index;
 * - a quarter of the modules with a `load_priority`, a few `canuse` lines;
 * - one root module (`bench_root`, the last) whose dependency closure is every module: each
 *   other module is used by at least one module after it, so the graph is acyclic and all of
 *   it is reachable from the root.
 *
 * Besides the manifests it returns the resolved graph (each module's distinct dependencies
 * after provider resolution), which is what the loader's plan walks and what the bare
 * topological sort of the baseline is given.
 */
import { LOAD_PRIORITIES, type Manifest, type ProvidedRef, type Ref } from '../../src/core/manifest.js';
import { Prng } from '../support/prng.js';

export interface GraphShape {
  /** Modules, the root included. At least 20. */
  modules: number;
  /** Distinct resolved dependency edges; at least `modules - 1`. */
  edges: number;
  seed: number;
}

export interface BenchGraph {
  /** In generation order: every module's dependencies come before it; the root is last. */
  manifests: Manifest[];
  root: string;
  /** Resolved dependencies: module name -> distinct names of the modules it uses. */
  deps: Map<string, string[]>;
  /** Number of resolved edges (sum of the `deps` lists). */
  edges: number;
}

/** The checksum every generated manifest carries until real files are written for it. */
export const PLACEHOLDER_CHECKSUM = '0'.repeat(32);

export const ROOT_NAME = 'bench_root';

const PREFIXES = ['res', 'app', 'func', 'chan', 'cdr', 'pbx', 'codec', 'format', 'bridge'] as const;
const HUB_COUNT = 8;

interface Draft {
  uses: Ref[];
  targets: Set<number>;
}

/** Builds the graph; deterministic for a given shape. O(modules + edges). */
export function generateGraph(shape: GraphShape): BenchGraph {
  const n = shape.modules;
  if (n < 20) throw new Error(`generateGraph: at least 20 modules, got ${n}`);
  if (shape.edges < n - 1) throw new Error(`generateGraph: at least ${n - 1} edges for ${n} modules, got ${shape.edges}`);
  if (shape.edges > (n - 1) * 20) throw new Error(`generateGraph: at most 20 edges per module on average`);
  const rng = new Prng(shape.seed);
  const hubs = Math.min(HUB_COUNT, Math.floor(n / 10));

  const names: string[] = [];
  for (let i = 0; i < n; i += 1) {
    if (i === n - 1) names.push(ROOT_NAME);
    else if (i < hubs) names.push(`res_hub_${i}`);
    else names.push(`${rng.pick(PREFIXES)}_${String(i).padStart(6, '0')}`);
  }
  const provides: ProvidedRef[][] = names.map(() => []);

  // Services: several providers each, distinct priorities; only the best is ever resolved.
  const services: Array<{ name: string; best: number; highest: number }> = [];
  const serviceCount = Math.max(1, Math.floor(n / 200));
  for (let k = 0; k < serviceCount; k += 1) {
    const name = `svc_${k}`;
    const providerCount = rng.int(2, 4);
    let best = -1;
    let bestPriority = -1;
    let highest = 0;
    for (let p = 0; p < providerCount; p += 1) {
      const index = rng.int(hubs, n - 2);
      const priority = 100 * p + rng.int(0, 99);
      if (provides[index]!.some((r) => r.type === 'service' && r.name === name)) continue;
      provides[index]!.push({ type: 'service', name, priority });
      highest = Math.max(highest, index);
      if (priority > bestPriority) {
        bestPriority = priority;
        best = index;
      }
    }
    services.push({ name, best, highest });
  }
  // Applications: a fifth of the modules provide one, resolved through the provider index.
  const appProviders: number[] = [];
  for (let i = hubs; i < n - 1; i += 1) {
    if (rng.chance(0.2)) {
      provides[i]!.push({ type: 'application', name: `App${i}`, priority: 0 });
      appProviders.push(i);
    }
  }

  const drafts: Draft[] = names.map(() => ({ uses: [], targets: new Set<number>() }));
  let edges = 0;
  const add = (from: number, ref: Ref, target: number): boolean => {
    const draft = drafts[from]!;
    if (target === from || target < 0 || draft.targets.has(target)) return false;
    draft.targets.add(target);
    draft.uses.push(ref);
    edges += 1;
    return true;
  };

  // Reachability from the root, as chains: module j is used by j+1 inside a chain, and by a
  // module a little further up where a chain ends.
  let chainLeft = rng.int(10, 300);
  for (let j = 0; j < n - 1; j += 1) {
    let dependent: number;
    if (chainLeft > 0) {
      dependent = j + 1;
      chainLeft -= 1;
    } else {
      dependent = rng.int(j + 1, Math.min(n - 1, j + 2000));
      chainLeft = rng.int(10, 300);
    }
    add(dependent, { type: 'module', name: names[j]! }, j);
  }

  // The other edges: hubs, services, applications, and nearby or distant modules.
  let attempts = 0;
  while (edges < shape.edges) {
    if (++attempts > shape.edges * 50) throw new Error('generateGraph: could not place the edges asked for');
    const from = rng.int(1, n - 2);
    const roll = rng.next();
    if (roll < 0.3) {
      const hub = rng.int(0, Math.min(hubs, from) - 1);
      add(from, { type: 'module', name: names[hub]! }, hub);
    } else if (roll < 0.4) {
      const service = rng.pick(services);
      if (service.best >= 0 && service.highest < from) add(from, { type: 'service', name: service.name }, service.best);
    } else if (roll < 0.5) {
      const below = countBelow(appProviders, from);
      if (below > 0) {
        const provider = appProviders[rng.int(0, below - 1)]!;
        add(from, { type: 'application', name: `App${provider}` }, provider);
      }
    } else {
      const target = rng.chance(0.7) ? rng.int(Math.max(0, from - 200), from - 1) : rng.int(0, from - 1);
      add(from, { type: 'module', name: names[target]! }, target);
    }
  }

  const manifests: Manifest[] = [];
  const deps = new Map<string, string[]>();
  for (let i = 0; i < n; i += 1) {
    const name = names[i]!;
    const canuse: Ref[] = i > 0 && rng.chance(0.02) ? [{ type: 'module', name: names[rng.int(0, i - 1)]! }] : [];
    manifests.push({
      name,
      checksum: PLACEHOLDER_CHECKSUM,
      support_level: rng.chance(0.8) ? 'core' : 'extended',
      ...(rng.chance(0.25) ? { load_priority: rng.pick(LOAD_PRIORITIES) } : {}),
      export_globals: false,
      config: [],
      description: `benchmark module ${i}`,
      uses: drafts[i]!.uses,
      canuse,
      provides: provides[i]!,
    });
    deps.set(name, [...drafts[i]!.targets].map((t) => names[t]!));
  }
  return { manifests, root: ROOT_NAME, deps, edges };
}

/** How many of the ascending `sorted` are below `limit`. O(log n). */
function countBelow(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
