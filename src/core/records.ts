/**
 * The loader's records and the primitives every operation is built from: module entries, user
 * records (add, release, orphan tracking), the runtime API registry and the ctx services a
 * module calls, the provider index and ranks, and event emission. Layered as
 * LoaderRecords (this file) -> ModuleLifecycle (lifecycle.ts) -> Loader (loader.ts).
 */
import type { OpOptions, ScanResult } from './api.js';
import { StopQueue } from './cascade.js';
import { DependencyDeclarations } from './dependencies.js';
import { LoaderError, isLoaderError } from './errors.js';
import { EventBus, type EventContext } from './event-bus.js';
import { rankModules } from './graph/order.js';
import { ProviderIndex } from './graph/providers.js';
import { newEntry, userInfo, type ModuleEntry, type UserRecord } from './model.js';
import { resolveAll, type PlanningView } from './plan-load.js';
import type { Policy } from './policy.js';
import type { ContextServices } from './runtime.js';
import type { AddUserOptions, LoaderHost, OpResult, PlanStep, UserHandle } from './types.js';
import { Views } from './views.js';

export interface LoaderOptions {
  host: LoaderHost;
  scan: ScanResult;
  policy: Policy;
  /** How long a module's load(), unload(), reload() or import may take (default 10 s). */
  loadTimeoutMs?: number;
  /** How many operations the op log keeps (default 10,000). */
  opLogSize?: number;
  /**
   * Tells this run of the service from every other: user ids end with it (`u12-<bootId>`), so an
   * id from before a restart never names a user of this one. Default: none (`u12`).
   */
  bootId?: string;
}

/** An operation in progress: its id, the cause its events carry, and the steps it took. */
export interface Op extends EventContext {
  op: string;
  steps: PlanStep[];
}

const TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

export abstract class LoaderRecords {
  protected readonly host: LoaderHost;
  protected readonly loadTimeoutMs: number;
  protected readonly bus: EventBus;
  protected readonly modules = new Map<string, ModuleEntry>();
  protected readonly usersById = new Map<string, UserRecord>();
  /** Runtime registrations by `type\0name`, best first. */
  protected readonly registry = new Map<string, Array<{ module: string; priority: number; impl: unknown }>>();
  /** Running modules left without users, to be stopped by the operation's settle. */
  protected readonly orphans = new StopQueue();
  /** For an orphaned module, the module whose release of its last user orphaned it. */
  protected readonly orphanedBy = new Map<string, string>();
  protected policyValue: Policy;
  protected bannedNames = new Set<string>();
  protected declarations: DependencyDeclarations;
  protected index!: ProviderIndex;
  protected ranks!: Map<string, number>;
  /** canuse reverse index: module name -> modules that list it (or what it provides) in [canuse]. */
  protected canusers!: Map<string, string[]>;
  private userCounter = 0;
  private readonly userIdSuffix: string;
  protected loadCounter = 0;
  /** > 0 while the loader runs a dispose callback synchronously inside an operation. */
  protected syncWindow = 0;
  /** The operation running now, if any. */
  protected current: Op | null = null;
  protected readonly views: Views;
  /** Bumped whenever manifests, bans or declarations change: cached resolutions are then stale. */
  private generation = 0;
  protected readonly services: ContextServices;

  constructor(options: LoaderOptions) {
    this.host = options.host;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 10_000;
    this.userIdSuffix = options.bootId ? `-${options.bootId}` : '';
    this.bus = new EventBus(() => this.host.now());
    this.policyValue = options.policy;
    this.bannedNames = new Set(options.policy.neverload.map((e) => e.name));
    this.declarations = new DependencyDeclarations(options.policy);
    for (const manifest of options.scan.manifests) {
      this.modules.set(manifest.name, newEntry(manifest, options.scan.binaries.get(manifest.name)));
    }
    this.reindex();
    this.views = new Views({
      modules: this.modules,
      users: this.usersById,
      registry: this.registry,
      index: () => this.index,
      declarations: () => this.declarations,
      planning: this.planningView(),
      banned: (name) => this.bannedNames.has(name),
    });
    this.services = {
      register: (entry, type, name, impl, priority) => this.register(entry, type, name, impl, priority),
      use: (entry, type, name) => this.useProvider(entry, type, name),
      addUser: (entry, opts) => this.addUserFromModule(entry, opts),
      readConfig: (file) => this.host.readConfig(file),
      log: (name) => this.host.moduleLog(name),
    };
  }

  /** The release operation (loader.ts); a module's handle.release() queues it. */
  abstract releaseUser(id: string, options?: OpOptions): Promise<OpResult>;

  protected result(op: Op, entry: ModuleEntry, dryRun: boolean): OpResult {
    return { op: op.op, plan: op.steps, dry_run: dryRun, state: entry.state };
  }

  protected emit<K extends Parameters<EventBus['emit']>[0]>(
    event: K,
    module: string | undefined,
    op: EventContext | null,
    fields: Parameters<EventBus['emit']>[3] & object,
  ): void {
    this.bus.emit(event, module, op ?? { cause: module }, fields as never);
  }

  protected entry(name: string): ModuleEntry {
    const entry = this.modules.get(name);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${name}`, { module: name });
    return entry;
  }

  protected adminUserOf(entry: ModuleEntry): UserRecord | undefined {
    for (const user of entry.users.values()) if (user.kind === 'admin') return user;
    return undefined;
  }

  protected reindex(): void {
    this.generation += 1;
    const manifests = [...this.modules.values()].filter((e) => !e.removed).map((e) => e.manifest);
    this.index = new ProviderIndex(manifests);
    this.ranks = rankModules(manifests.map((m) => ({ name: m.name, load_priority: m.load_priority })));
    // Removed-but-running modules keep a rank after every other (they only ever unload).
    let next = this.ranks.size;
    for (const e of this.modules.values()) {
      if (!this.ranks.has(e.name)) this.ranks.set(e.name, next++);
      e.rank = this.ranks.get(e.name)!;
    }
    this.canusers = new Map();
    for (const m of manifests) {
      for (const ref of m.canuse) {
        for (const candidate of this.index.candidates(ref.type, ref.name)) {
          const list = this.canusers.get(candidate.module);
          if (list) list.push(m.name);
          else this.canusers.set(candidate.module, [m.name]);
        }
      }
    }
  }

  protected planningView(): PlanningView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const view: PlanningView = {
      entry: (name) => this.modules.get(name),
      declared: (entry) => this.declarations.of(entry.manifest),
      resolved: (entry) => {
        const cached = entry.resolvedCache;
        if (cached && cached.generation === this.generation) return cached.value;
        const value = resolveAll(view, entry);
        entry.resolvedCache = { generation: this.generation, value };
        return value;
      },
      get index() {
        return self.index;
      },
      banned: (name) => this.bannedNames.has(name),
      rank: (name) => this.ranks.get(name) ?? this.ranks.size,
    };
    return view;
  }

  protected cascadeView() {
    return { entry: (name: string) => this.modules.get(name), user: (id: string) => this.usersById.get(id) };
  }

  /** The modules autoload makes the admin a user of (SPEC 5), in load order of rank. */
  protected autoloadSet(): string[] {
    const excluded = new Set<string>([...this.bannedNames, ...this.policyValue.noload.map((e) => e.name)]);
    for (const { type, candidates } of this.index.entries()) {
      if (type !== 'service') continue;
      const best = candidates.find((c) => !this.bannedNames.has(c.module));
      for (const c of candidates) if (c !== best) excluded.add(c.module);
    }
    return [...this.modules.values()]
      .filter((e) => !e.removed && !excluded.has(e.name))
      .map((e) => e.name)
      .sort((a, b) => this.ranks.get(a)! - this.ranks.get(b)!);
  }

  protected addUserRecord(
    fields: Omit<UserRecord, 'id' | 'sinceMs'>,
    op: EventContext | null,
  ): UserRecord {
    const held = this.modules.get(fields.module)!;
    // One literal with every field, so all user records share one hidden class.
    const user: UserRecord = {
      id: `u${++this.userCounter}${this.userIdSuffix}`,
      kind: fields.kind,
      holder: fields.holder,
      module: fields.module,
      owner: fields.owner,
      cancellable: fields.cancellable,
      origin: fields.origin,
      reason: fields.reason,
      sinceMs: this.host.now(),
      dispose: fields.dispose,
    };
    held.users.set(user.id, user);
    this.usersById.set(user.id, user);
    this.emit('user_add', user.module, op, { user: userInfo(user) });
    return user;
  }

  /** Removes a user record; a module left without users is queued to stop (see settle). */
  protected releaseUserRecord(user: UserRecord, op: EventContext | null): void {
    if (!this.usersById.delete(user.id)) return;
    const held = this.modules.get(user.module);
    if (held) {
      held.users.delete(user.id);
      held.pending?.delete(user.id);
      if (held.users.size === 0 && held.state === 'running') {
        this.orphans.push(held);
        if (user.owner !== undefined && user.owner !== held.name) this.orphanedBy.set(held.name, user.owner);
      }
    }
    if (user.owner !== undefined) this.modules.get(user.owner)?.holds.delete(user.id);
    this.emit('user_release', user.module, op, { user: userInfo(user) });
  }

  protected register(entry: ModuleEntry, type: string, name: string, impl: unknown, priority: number): void {
    if (!TYPE_PATTERN.test(type)) throw new Error(`ctx.register: bad provider type ${JSON.stringify(type)}`);
    if (typeof name !== 'string' || name.length === 0) throw new Error('ctx.register: a provider needs a name');
    if (!Number.isInteger(priority)) throw new Error('ctx.register: priority must be an integer');
    const key = `${type}\u0000${name}`;
    const list = this.registry.get(key) ?? [];
    if (list.some((r) => r.module === entry.name)) throw new Error(`ctx.register: ${entry.name} already registered ${type}=${name}`);
    list.push({ module: entry.name, priority, impl });
    list.sort((a, b) => b.priority - a.priority || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
    this.registry.set(key, list);
    entry.instance!.registrations.push({ type, name, priority, module: entry.name, impl });
    this.emit('provider_register', entry.name, this.current, { type, name, priority });
  }

  protected withdrawRegistrations(entry: ModuleEntry, op: EventContext | null): void {
    const instance = entry.instance;
    if (!instance) return;
    for (const reg of instance.registrations.splice(0)) {
      const key = `${reg.type}\u0000${reg.name}`;
      const list = this.registry.get(key)?.filter((r) => r.module !== entry.name) ?? [];
      if (list.length > 0) this.registry.set(key, list);
      else this.registry.delete(key);
      this.emit('provider_unregister', entry.name, op, { type: reg.type, name: reg.name, priority: reg.priority });
    }
  }

  protected useProvider(entry: ModuleEntry, type: string, name: string): unknown {
    const best = this.registry.get(`${type}\u0000${name}`)?.[0];
    if (!best) throw new Error(`ctx.use: nothing has registered ${type}=${name}`);
    if (best.module !== entry.name) {
      const held = [...entry.holds].some((id) => {
        const u = this.usersById.get(id);
        return u?.module === best.module && u.kind === 'module';
      });
      if (!held) {
        const user = this.addUserRecord(
          { kind: 'module', holder: entry.name, module: best.module, owner: entry.name, reason: `ctx.use ${type}=${name}` },
          this.current,
        );
        entry.holds.add(user.id);
      }
    }
    return best.impl;
  }

  protected addUserFromModule(entry: ModuleEntry, options: AddUserOptions): UserHandle {
    const kind = options.kind ?? 'channel';
    if (kind !== 'channel' && kind !== 'external') throw new Error(`ctx.addUser: a module may make channel or external users, not ${kind}`);
    if (typeof options.holder !== 'string' || options.holder.length === 0) throw new Error('ctx.addUser: holder is required');
    const target = this.modules.get(options.module ?? entry.name);
    if (!target) throw new Error(`ctx.addUser: no module named ${options.module}`);
    const targetLive = target === entry ? entry.state === 'loading' || entry.state === 'running' : target.state === 'running';
    if (!targetLive) throw new Error(`ctx.addUser: ${target.name} is not running`);
    const user = this.addUserRecord(
      { kind, holder: options.holder, module: target.name, owner: entry.name, cancellable: false, dispose: options.dispose, reason: `made by ${entry.name}` },
      this.current,
    );
    if (target !== entry) entry.holds.add(user.id);
    const id = user.id;
    return {
      id,
      release: () => this.releaseFromModule(id, entry.name),
    };
  }

  protected releaseFromModule(id: string, module: string): Promise<void> {
    const user = this.usersById.get(id);
    if (!user) return Promise.resolve();
    if (this.syncWindow > 0 && this.current) {
      this.releaseUserRecord(user, this.current);
      return Promise.resolve();
    }
    return this.releaseUser(id, { cause: module }).then(
      () => undefined,
      (err: unknown) => {
        if (isLoaderError(err) && err.code === 'user_not_found') return;
        throw err;
      },
    );
  }
}
