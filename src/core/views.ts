/**
 * Read models: what the loader's reads return (SPEC 9 shapes), built from the records without
 * changing them. Kept apart from loader.ts so the operations stay readable.
 */
import type { Core } from './core.js';
import { checksumDigest } from './manifest.js';
import { declaredIn, isOwnedKind, userInfo, userKindOf, type ModuleEntry } from './model.js';
import { providerKey } from './names.js';
import { pendingOf } from './ops/unload.js';
import { resolveDependency } from './plan/resolve.js';
import { isActive } from './state.js';
import type {
  DependencyInfo,
  Graph,
  GraphEdge,
  ModuleDetail,
  ModuleState,
  ModuleSummary,
  ProviderInfo,
  UserInfo,
  UserKind,
  WhyChain,
} from './types.js';

/** At most this many chains are returned by why(); a wide graph could otherwise explode. */
export const WHY_LIMIT = 1000;

const ROOT_KINDS = new Set<UserKind>(['admin', 'external', 'channel', 'dialplan']);

export class Views {
  constructor(private readonly core: Core) {}

  summary(entry: ModuleEntry): ModuleSummary {
    return {
      name: entry.name,
      description: entry.manifest.description ?? null,
      support_level: entry.manifest.support_level ?? null,
      state: entry.state,
      use_count: entry.users.size,
      lib_loaded: entry.lib !== null,
      blocked: entry.blocked,
      stale: isStale(entry),
    };
  }

  /** `like` matches a case-insensitive substring of the name, as Asterisk's `module show like`. */
  list(filter?: { like?: string; state?: ModuleState }): ModuleSummary[] {
    const like = filter?.like?.toLowerCase();
    const out: ModuleSummary[] = [];
    for (const entry of this.core.table.values()) {
      if (like !== undefined && !entry.name.toLowerCase().includes(like)) continue;
      if (filter?.state !== undefined && entry.state !== filter.state) continue;
      out.push(this.summary(entry));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  detail(entry: ModuleEntry): ModuleDetail {
    const users = [...entry.users.values()].map(userInfo);
    const dependents = new Set<string>();
    for (const user of entry.users.values()) {
      if (isOwnedKind(user.kind) && !user.weak && user.owner !== undefined) dependents.add(user.owner);
    }
    const registered = new Set(entry.instance?.registrations.map((r) => providerKey(r.type, r.name)) ?? []);
    const provides = entry.manifest.provides.map((p) => ({
      type: p.type,
      name: p.name,
      priority: p.priority,
      registered: registered.has(providerKey(p.type, p.name)),
    }));
    for (const reg of entry.instance?.registrations ?? []) {
      if (!entry.manifest.provides.some((p) => p.type === reg.type && p.name === reg.name)) {
        provides.push({ type: reg.type, name: reg.name, priority: reg.priority, registered: true });
      }
    }
    const digest = checksumDigest(entry.manifest.checksum);
    return {
      ...this.summary(entry),
      manifest: entry.manifest,
      users,
      dependencies: this.dependencies(entry),
      dependents: [...dependents].sort(),
      provides,
      checksum_ok: entry.diskChecksum === undefined ? null : entry.diskChecksum === digest,
      pending: pendingOf(this.core, entry),
      reason: entry.reason,
    };
  }

  /** Bound providers while the module runs (6.13); otherwise what the deps resolve to now. */
  dependencies(entry: ModuleEntry): DependencyInfo[] {
    const bound = entry.bound;
    if (bound) {
      return bound.deps.map((dep, i) => ({
        type: dep.type,
        name: dep.name,
        provider: bound.providers[i]?.name ?? null,
        origin: declaredIn(dep),
        user_kind: userKindOf(dep),
      }));
    }
    return this.core.table.declarations
      .of(entry.manifest)
      .map((dep) => {
        const resolved = resolveDependency(this.core.table, dep);
        return {
          type: dep.type,
          name: dep.name,
          provider: 'provider' in resolved ? resolved.provider : null,
          origin: declaredIn(dep),
          user_kind: userKindOf(dep),
        };
      });
  }

  users(filter?: { kind?: UserKind; holder?: string; module?: string }): UserInfo[] {
    const out: UserInfo[] = [];
    for (const user of this.core.users.values()) {
      if (filter?.kind !== undefined && user.kind !== filter.kind) continue;
      if (filter?.holder !== undefined && user.holder !== filter.holder) continue;
      if (filter?.module !== undefined && user.module !== filter.module) continue;
      out.push(userInfo(user));
    }
    return out;
  }

  providers(filter?: { type?: string; name?: string }): ProviderInfo[] {
    const out: ProviderInfo[] = [];
    const seen = new Set<string>();
    const { table, registry } = this.core;
    const wanted = (type: string, name: string): boolean =>
      (filter?.type === undefined || type === filter.type) && (filter?.name === undefined || name === filter.name);
    for (const { type, name, candidates } of table.index.entries()) {
      if (!wanted(type, name)) continue;
      const best = candidates.find((c) => !table.banned(c.module) && table.has(c.module));
      for (const c of candidates) {
        seen.add(`${providerKey(type, name)}\u0000${c.module}`);
        out.push({ type, name, module: c.module, priority: c.priority, active: c === best, registered: registry.registeredBy(type, name, c.module) });
      }
    }
    for (const { type, name, registrations } of registry.entries()) {
      if (!wanted(type, name)) continue;
      registrations.forEach((r, i) => {
        if (seen.has(`${providerKey(type, name)}\u0000${r.module}`)) return;
        out.push({ type, name, module: r.module, priority: r.priority, active: i === 0, registered: true });
      });
    }
    return out.sort(
      (a, b) =>
        cmp(a.type, b.type) || cmp(a.name, b.name) || Number(b.active) - Number(a.active) || b.priority - a.priority || cmp(a.module, b.module),
    );
  }

  graph(): Graph {
    const nodes: Graph['nodes'] = [];
    const edges: GraphEdge[] = [];
    for (const entry of this.core.table.values()) {
      nodes.push({ name: entry.name, state: entry.state, stale: isStale(entry) });
      for (const dep of this.dependencies(entry)) {
        if (dep.provider === null) continue;
        edges.push({ from: entry.name, to: dep.provider, type: dep.type, name: dep.name, kind: 'uses', user_kind: dep.user_kind });
      }
      for (const ref of entry.manifest.canuse) {
        const resolved = resolveDependency(this.core.table, ref);
        if ('provider' in resolved) {
          edges.push({ from: entry.name, to: resolved.provider, type: ref.type, name: ref.name, kind: 'canuse', user_kind: 'module' });
        }
      }
    }
    return { nodes, edges };
  }

  /**
   * SPEC 6.12: every chain of users from a root (admin, external hold, channel, dialplan step)
   * down to `target`. Walks users upward through the modules that hold module and config
   * users; weak holds keep nothing running and are no chain (6.9). At most {@link WHY_LIMIT}.
   */
  why(target: ModuleEntry): WhyChain[] {
    const chains: WhyChain[] = [];
    // Each frame: a module and the path from it down to the target.
    const stack: Array<{ entry: ModuleEntry; path: string[] }> = [{ entry: target, path: [target.name] }];
    while (stack.length > 0 && chains.length < WHY_LIMIT) {
      const { entry, path } = stack.pop()!;
      const users = [...entry.users.values()];
      for (let i = users.length - 1; i >= 0; i--) {
        const user = users[i]!;
        if (user.weak) continue;
        if (ROOT_KINDS.has(user.kind) || user.owner === undefined || user.owner === entry.name) {
          chains.push({ root: userInfo(user), path });
          continue;
        }
        const owner = this.core.table.get(user.owner);
        if (owner && !path.includes(owner.name)) stack.push({ entry: owner, path: [owner.name, ...path] });
      }
    }
    return chains.reverse();
  }
}

/** The running lib came from another binary than the one on disk now (SPEC 6.10). */
function isStale(entry: ModuleEntry): boolean {
  return (
    isActive(entry.state) && entry.libChecksum !== null && entry.diskChecksum !== undefined && entry.diskChecksum !== checksumDigest(entry.libChecksum)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
