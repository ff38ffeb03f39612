/**
 * The module table: every known module's entry (by name and by dense id), the admin policy in
 * force with its bans and declared dependencies, and what is derived from the manifests — the
 * provider index, the load-order ranks and the canuse reverse index. It is also the planner's
 * read-only view (`PlanningView`): dependency resolutions are cached per module here, in side
 * tables indexed by id, until the manifests, bans or declarations change.
 */
import { DependencyDeclarations } from './dependencies.js';
import { LoaderError } from './errors.js';
import { rankModules } from './graph/order.js';
import { ProviderIndex } from './graph/providers.js';
import type { Manifest } from './manifest.js';
import { newEntry, type DeclaredDependency, type ModuleEntry } from './model.js';
import { resolveAll, type PlanningView, type ResolvedDependencies } from './plan/resolve.js';
import type { Policy } from './policy.js';

export class ModuleTable implements PlanningView {
  private readonly entries = new Map<string, ModuleEntry>();
  private nextId = 0;
  private policyValue: Policy;
  private bans = new Set<string>();
  private declarationsValue: DependencyDeclarations;
  private indexValue = new ProviderIndex([]);
  /** module name -> modules that list it (or something it provides) in [canuse]. */
  private canuseIndex = new Map<string, string[]>();
  /** Bumped whenever manifests, bans or declarations change: cached resolutions are then stale. */
  private generation = 0;
  private resolvedCache: Array<ResolvedDependencies | undefined> = [];
  private resolvedGeneration = new Int32Array(0);

  constructor(manifests: Iterable<Manifest>, binaries: ReadonlyMap<string, string | null>, policy: Policy) {
    this.policyValue = policy;
    this.declarationsValue = new DependencyDeclarations(policy);
    this.bans = new Set(policy.neverload.map((e) => e.name));
    for (const manifest of manifests) this.entries.set(manifest.name, newEntry(this.nextId++, manifest, binaries.get(manifest.name)));
    this.reindex();
  }

  // ---- entries

  get(name: string): ModuleEntry | undefined {
    return this.entries.get(name);
  }

  /** The entry of `name`; throws `unknown_module`. */
  require(name: string): ModuleEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${name}`, { module: name });
    return entry;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  values(): IterableIterator<ModuleEntry> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }

  /** One more than the largest id handed out: the size of side tables indexed by id. */
  get idLimit(): number {
    return this.nextId;
  }

  /** Adds a module found by a rescan (call {@link reindex} after a batch). */
  add(manifest: Manifest, diskChecksum: string | null | undefined): ModuleEntry {
    const entry = newEntry(this.nextId++, manifest, diskChecksum);
    this.entries.set(entry.name, entry);
    return entry;
  }

  /** Forgets a module that is not running (call {@link reindex} after a batch). */
  delete(entry: ModuleEntry): void {
    this.entries.delete(entry.name);
  }

  // ---- policy

  get policy(): Policy {
    return this.policyValue;
  }

  get declarations(): DependencyDeclarations {
    return this.declarationsValue;
  }

  banned(name: string): boolean {
    return this.bans.has(name);
  }

  /** Puts a new admin policy in force: its bans and declared dependencies (SPEC 6.15). */
  setPolicy(policy: Policy): void {
    this.policyValue = policy;
    this.bans = new Set(policy.neverload.map((e) => e.name));
    this.declarationsValue = new DependencyDeclarations(policy);
    this.reindex();
  }

  // ---- derived indexes

  get index(): ProviderIndex {
    return this.indexValue;
  }

  /** Rebuilds the provider index, the ranks and the canuse index from the manifests. */
  reindex(): void {
    this.generation += 1;
    const manifests = [...this.entries.values()].filter((e) => !e.removed).map((e) => e.manifest);
    this.indexValue = new ProviderIndex(manifests);
    const ranks = rankModules(manifests.map((m) => ({ name: m.name, load_priority: m.load_priority })));
    // Removed-but-running modules rank after every other (they only ever unload).
    let next = ranks.size;
    for (const e of this.entries.values()) e.rank = ranks.get(e.name) ?? next++;
    this.canuseIndex = new Map();
    for (const m of manifests) {
      for (const ref of m.canuse) {
        for (const candidate of this.indexValue.candidates(ref.type, ref.name)) {
          const list = this.canuseIndex.get(candidate.module);
          if (!list) this.canuseIndex.set(candidate.module, [m.name]);
          else if (!list.includes(m.name)) list.push(m.name);
        }
      }
    }
  }

  /** Modules that list `name` (or something it provides) in `[canuse]`. */
  canusers(name: string): readonly string[] {
    return this.canuseIndex.get(name) ?? [];
  }

  // ---- the planning view

  entry(name: string): ModuleEntry | undefined {
    return this.entries.get(name);
  }

  declared(entry: ModuleEntry): readonly DeclaredDependency[] {
    return this.declarationsValue.of(entry.manifest);
  }

  rank(name: string): number {
    return this.entries.get(name)?.rank ?? this.entries.size;
  }

  /** {@link resolveAll} of the entry, cached until the manifests, bans or declarations change. */
  resolved(entry: ModuleEntry): ResolvedDependencies {
    if (this.resolvedGeneration.length < this.nextId) {
      const grown = new Int32Array(Math.max(this.nextId, this.resolvedGeneration.length * 2));
      grown.set(this.resolvedGeneration);
      this.resolvedGeneration = grown;
    }
    const cached = this.resolvedCache[entry.id];
    if (cached && this.resolvedGeneration[entry.id] === this.generation) return cached;
    const value = resolveAll(this, entry);
    this.resolvedCache[entry.id] = value;
    this.resolvedGeneration[entry.id] = this.generation;
    return value;
  }

  /**
   * The modules autoload makes the admin a user of (SPEC 5), by rank: all but the banned, the
   * `noload` ones and, for each `service`, every provider but the best one that is not banned
   * and did not fail (`failed`: modules that declined or failed in the operation).
   */
  autoloadSet(failed: ReadonlySet<string> = new Set()): string[] {
    const excluded = new Set<string>([...this.bans, ...this.policyValue.noload.map((e) => e.name)]);
    for (const { type, candidates } of this.indexValue.entries()) {
      if (type !== 'service') continue;
      const best = candidates.find((c) => !this.bans.has(c.module) && !failed.has(c.module));
      for (const c of candidates) if (c !== best) excluded.add(c.module);
    }
    return [...this.entries.values()]
      .filter((e) => !e.removed && !excluded.has(e.name))
      .sort((a, b) => a.rank - b.rank)
      .map((e) => e.name);
  }
}
