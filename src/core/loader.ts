/**
 * The loader: module records, the serialized operation queue and every operation of SPEC 6.
 * Planning lives in plan-load.ts and cascade.ts, the module runtime in runtime.ts, read models
 * in views.ts; this file carries operations out and keeps the records consistent.
 *
 * Concurrency model: operations run one at a time in arrival order (OperationQueue). Reads are
 * synchronous and see the records as they are between two awaits of the running operation,
 * which always satisfy SPEC 6.14's invariants. A running module may add users through its ctx
 * at any time (a synchronous, atomic change that only ever makes a module more needed); its
 * releases are operations of their own, except inside a dispose callback the loader is running
 * synchronously, where they apply at once (so a firm unload sees a channel hang up in time).
 */
import type {
  AddUserRequest,
  LoaderApi,
  OpLogEntry,
  OpOptions,
  RescanSummary,
  ScanResult,
  UnloadOptions,
} from './api.js';
import { simulateStops, StopQueue } from './cascade.js';
import { DependencyDeclarations } from './dependencies.js';
import { LoaderError, isLoaderError } from './errors.js';
import { EventBus, type EventContext } from './event-bus.js';
import { rankModules } from './graph/order.js';
import { ProviderIndex } from './graph/providers.js';
import { checksumAlgorithm, checksumDigest, type Manifest } from './manifest.js';
import { newEntry, userInfo, type BoundDependency, type DeclaredDependency, type ModuleEntry, type UserRecord } from './model.js';
import { declaredAt, planLoad, resolveDependency, type LoadPlan, type PlanningView, type Resolution } from './plan-load.js';
import type { Policy } from './policy.js';
import { OperationQueue } from './queue.js';
import { createContext, createInstance, describeError, endInstance, runHook, type ContextServices } from './runtime.js';
import { isActive, transition } from './state.js';
import type {
  AddUserOptions,
  EventListener,
  Graph,
  LoaderHost,
  ModuleDetail,
  ModuleState,
  ModuleSummary,
  OpResult,
  PlanStep,
  ProviderInfo,
  UserHandle,
  UserInfo,
  UserKind,
  WhyChain,
} from './types.js';
import { Views } from './views.js';

export interface LoaderOptions {
  host: LoaderHost;
  scan: ScanResult;
  policy: Policy;
  /** How long a module's load(), unload(), reload() or import may take (default 10 s). */
  loadTimeoutMs?: number;
  /** How many operations the op log keeps (default 10,000). */
  opLogSize?: number;
}

/** An operation in progress: its id and the cause its events carry. */
interface Op extends EventContext {
  op: string;
  steps: PlanStep[];
}

const TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

export class Loader implements LoaderApi {
  private readonly host: LoaderHost;
  private readonly loadTimeoutMs: number;
  private readonly opLogSize: number;
  private readonly bus: EventBus;
  private readonly queue = new OperationQueue();
  private readonly modules = new Map<string, ModuleEntry>();
  private readonly usersById = new Map<string, UserRecord>();
  /** Runtime registrations by `type\0name`, best first. */
  private readonly registry = new Map<string, Array<{ module: string; priority: number; impl: unknown }>>();
  private readonly orphans = new StopQueue();
  /** For an orphaned module, the module whose release of its last user orphaned it. */
  private readonly orphanedBy = new Map<string, string>();
  private readonly log: OpLogEntry[] = [];
  private policyValue: Policy;
  private bannedNames = new Set<string>();
  private declarations: DependencyDeclarations;
  private index!: ProviderIndex;
  private ranks!: Map<string, number>;
  /** canuse reverse index: module name -> modules that list it (or what it provides) in [canuse]. */
  private canusers!: Map<string, string[]>;
  private opCounter = 0;
  private userCounter = 0;
  private loadCounter = 0;
  /** > 0 while the loader runs a dispose callback synchronously inside an operation. */
  private syncWindow = 0;
  private current: Op | null = null;
  private readonly views: Views;
  private readonly services: ContextServices;

  constructor(options: LoaderOptions) {
    this.host = options.host;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 10_000;
    this.opLogSize = options.opLogSize ?? 10_000;
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

  // ===========================================================================================
  // Events and reads

  subscribe(listener: EventListener): () => void {
    return this.bus.subscribe(listener);
  }

  get nextSeq(): number {
    return this.bus.nextSeq;
  }

  list(filter?: { like?: string; state?: ModuleState }): ModuleSummary[] {
    return this.views.list(filter);
  }

  get(name: string): ModuleDetail {
    return this.views.detail(this.entry(name));
  }

  has(name: string): boolean {
    return this.modules.has(name);
  }

  users(filter?: { kind?: UserKind; holder?: string; module?: string }): UserInfo[] {
    return this.views.users(filter);
  }

  providers(filter?: { type?: string; name?: string }): ProviderInfo[] {
    return this.views.providers(filter);
  }

  graph(): Graph {
    return this.views.graph();
  }

  why(name: string): WhyChain[] {
    return this.views.why(this.entry(name));
  }

  manifests(): Manifest[] {
    return [...this.modules.values()].map((e) => e.manifest);
  }

  manifest(name: string): Manifest {
    return this.entry(name).manifest;
  }

  policy(): Policy {
    return this.policyValue;
  }

  opLog(): OpLogEntry[] {
    return [...this.log];
  }

  provider<T = unknown>(type: string, name: string): T | undefined {
    return this.registry.get(`${type}\u0000${name}`)?.[0]?.impl as T | undefined;
  }

  /** Resolves once every operation queued so far has finished. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  // ===========================================================================================
  // Operations

  load(name: string, options: OpOptions & { reason?: string } = {}): Promise<OpResult> {
    return this.operate('load', name, { dry_run: !!options.dryRun }, options, async (op) => {
      const entry = this.entry(name);
      const plan = planLoad(this.planningView(), [entry.name]);
      const addAdmin = !this.adminUserOf(entry);
      for (const m of plan.order) op.steps.push({ module: m, action: 'load' });
      if (addAdmin) op.steps.push({ module: name, action: 'add_user', user: { kind: 'admin', holder: 'admin' } });
      if (options.dryRun) return this.result(op, entry, true);
      await this.executeLoad(plan, op);
      if (addAdmin) this.addUserRecord({ kind: 'admin', holder: 'admin', module: name, reason: options.reason ?? 'admin' }, op);
      return this.result(op, entry, false);
    });
  }

  unload(name: string, options: UnloadOptions = {}): Promise<OpResult> {
    const force = !!options.force;
    const run = this.operate('unload', name, { force, dry_run: !!options.dryRun }, options, async (op) => {
      const entry = this.entry(name);
      if (!isActive(entry.state)) return this.result(op, entry, !!options.dryRun);
      return force ? this.firmUnload(entry, op, !!options.dryRun) : this.softUnload(entry, op, !!options.dryRun);
    });
    const timeoutMs = options.timeoutMs ?? 0;
    if (!force || options.dryRun || timeoutMs <= 0) return run;
    return run.then((result) => this.awaitStop(name, result, timeoutMs));
  }

  reload(name: string, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('reload', name, { dry_run: !!options.dryRun }, options, async (op) => {
      const entry = this.entry(name);
      if (entry.state !== 'running' || !entry.instance?.ctx || !entry.lib) {
        throw new LoaderError('invalid_request', `${name} is not running`, { module: name, state: entry.state });
      }
      op.steps.push({ module: name, action: 'reload' });
      if (options.dryRun) return this.result(op, entry, true);
      const hook = entry.lib.reload;
      if (hook) {
        const ctx = entry.instance.ctx;
        const settled = await runHook(() => hook.call(entry.lib, ctx), this.loadTimeoutMs);
        if (settled.kind !== 'value') {
          const reason = settled.kind === 'timeout' ? `reload() did not finish within ${this.loadTimeoutMs} ms` : describeError(settled.error);
          this.emit('reload', entry.name, op, { result: 'failure', reason });
          throw new LoaderError('load_failed', `${name}: ${reason}`, { module: name, reason, rolled_back: [] });
        }
      }
      this.emit('reload', entry.name, op, { result: 'success' });
      return this.result(op, entry, false);
    });
  }

  addUser(name: string, request: AddUserRequest): Promise<OpResult> {
    const args = { holder: request.holder, cancellable: !!request.cancellable, dry_run: !!request.dryRun };
    return this.operate('add_user', name, args, request, async (op) => {
      const entry = this.entry(name);
      const plan = planLoad(this.planningView(), [entry.name]);
      for (const m of plan.order) op.steps.push({ module: m, action: 'load' });
      op.steps.push({ module: name, action: 'add_user', user: { kind: 'external', holder: request.holder } });
      if (request.dryRun) return this.result(op, entry, true);
      await this.executeLoad(plan, op);
      const user = this.addUserRecord(
        { kind: 'external', holder: request.holder, module: name, cancellable: !!request.cancellable, reason: 'external hold' },
        op,
      );
      op.steps[op.steps.length - 1]!.user!.id = user.id;
      return { ...this.result(op, entry, false), user: userInfo(user) };
    });
  }

  releaseUser(id: string, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('release_user', id, { dry_run: !!options.dryRun }, options, async (op) => {
      const user = this.usersById.get(id);
      if (!user) throw new LoaderError('user_not_found', `no user with id ${id}`, { id });
      if (user.kind === 'module' || user.kind === 'config' || user.kind === 'dialplan') {
        throw new LoaderError('in_use', `user ${id} belongs to ${user.owner}; unload ${user.owner} instead`, {
          id,
          owner: user.owner,
          users: [userInfo(user)],
        });
      }
      const entry = this.entry(user.module);
      op.steps.push({ module: user.module, action: 'release_user', user: { id, kind: user.kind, holder: user.holder } });
      if (options.dryRun) {
        this.planStops(op, simulateStops(this.cascadeView(), [user]), new Set([user.module]), new Set());
        return this.result(op, entry, true);
      }
      this.releaseUserRecord(user, op);
      await this.settle(op, new Set([user.module]), new Set());
      return this.result(op, entry, false);
    });
  }

  startup(options: OpOptions = {}): Promise<OpResult> {
    return this.operate('startup', undefined, {}, options, async (op) => {
      const failures: NonNullable<OpResult['failures']> = [];
      const policy = this.policyValue;
      for (const entry of [...policy.load, ...policy.preload]) {
        if (this.bannedNames.has(entry.name)) {
          this.emit('neverload_refused', entry.name, op, { origin: { file: entry.file, line: entry.line } });
        }
      }
      // require: any failure fails startup.
      for (const req of policy.require) {
        await this.loadInOp(req.name, 'require', op);
      }
      const attempt = async (name: string, reason: string): Promise<void> => {
        if (this.bannedNames.has(name)) return;
        try {
          await this.loadInOp(name, reason, op);
        } catch (err) {
          if (!isLoaderError(err)) throw err;
          failures.push({ module: name, code: err.code, message: err.message });
        }
      };
      for (const pre of policy.preload) await attempt(pre.name, 'preload');
      for (const load of policy.load) await attempt(load.name, 'modules.conf');
      if (policy.autoload) {
        for (const name of this.autoloadSet()) await attempt(name, 'autoload');
      }
      return { op: op.op, plan: op.steps, dry_run: false, ...(failures.length > 0 ? { failures } : {}) };
    });
  }

  shutdown(options: OpOptions = {}): Promise<OpResult> {
    return this.operate('shutdown', undefined, {}, options, async (op) => {
      const running = [...this.modules.values()].filter((e) => isActive(e.state)).sort((a, b) => b.loadSeq - a.loadSeq);
      for (const entry of running) {
        if (!isActive(entry.state)) continue;
        this.disposeUsers([...entry.users.values()].filter((u) => u.kind === 'channel'), op);
        for (const user of [...entry.users.values()]) {
          if (user.kind !== 'module' && user.kind !== 'config' && user.kind !== 'dialplan') this.releaseUserRecord(user, op);
        }
        // Users owned by modules that stopped earlier are gone; anything left is force-released.
        for (const user of [...entry.users.values()]) this.releaseUserRecord(user, op);
        op.steps.push({ module: entry.name, action: 'unload' });
        await this.stopModule(entry, op);
      }
      return { op: op.op, plan: op.steps, dry_run: false };
    });
  }

  rescan(scan: ScanResult, options: OpOptions = {}): Promise<OpResult & { rescan: RescanSummary }> {
    return this.operate('rescan', undefined, {}, options, async (op) => {
      const summary: RescanSummary = { added: [], changed: [], removed: [], stale: [] };
      const seen = new Set<string>();
      for (const manifest of scan.manifests) {
        seen.add(manifest.name);
        const disk = scan.binaries.get(manifest.name);
        const existing = this.modules.get(manifest.name);
        if (!existing) {
          this.modules.set(manifest.name, newEntry(manifest, disk));
          summary.added.push(manifest.name);
          this.emit('manifest_add', manifest.name, op, {});
          continue;
        }
        existing.removed = false;
        const changed = JSON.stringify(existing.manifest) !== JSON.stringify(manifest) || existing.diskChecksum !== disk;
        if (!changed) continue;
        existing.manifest = manifest;
        existing.diskChecksum = disk;
        const stale = isActive(existing.state) && existing.libChecksum !== null && disk !== checksumDigest(existing.libChecksum);
        summary.changed.push(manifest.name);
        if (stale) summary.stale.push(manifest.name);
        this.emit('manifest_change', manifest.name, op, { stale });
      }
      for (const entry of [...this.modules.values()]) {
        if (seen.has(entry.name) || entry.removed) continue;
        summary.removed.push(entry.name);
        if (isActive(entry.state)) entry.removed = true;
        else this.modules.delete(entry.name);
        this.emit('manifest_remove', entry.name, op, {});
      }
      this.reindex();
      return { op: op.op, plan: op.steps, dry_run: false, rescan: summary };
    });
  }

  setPolicy(policy: Policy, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('set_policy', undefined, {}, options, async (op) => {
      // neverload can only be lifted by a restart (the proposal): keep every ban in force.
      const neverload = [...policy.neverload];
      for (const old of this.policyValue.neverload) {
        if (!neverload.some((n) => n.name === old.name)) neverload.push(old);
      }
      this.policyValue = { ...policy, neverload };
      this.bannedNames = new Set(neverload.map((e) => e.name));
      this.declarations = new DependencyDeclarations(this.policyValue);
      this.reindex();

      // Nothing banned runs: firm-unload what a new ban covers.
      for (const entry of this.modules.values()) {
        if (this.bannedNames.has(entry.name) && isActive(entry.state)) this.requestFirmUnload(entry, op);
      }
      // Admin references follow the new policy; modules nothing needs any more stop (6.12).
      const wanted = new Map<string, string>();
      for (const r of this.policyValue.require) wanted.set(r.name, 'require');
      for (const p of this.policyValue.preload) if (!wanted.has(p.name)) wanted.set(p.name, 'preload');
      for (const l of this.policyValue.load) if (!wanted.has(l.name)) wanted.set(l.name, 'modules.conf');
      if (this.policyValue.autoload) for (const n of this.autoloadSet()) if (!wanted.has(n)) wanted.set(n, 'autoload');
      for (const user of [...this.usersById.values()]) {
        if (user.kind !== 'admin' || !isPolicyReason(user.reason)) continue;
        if (!wanted.has(user.module) || this.bannedNames.has(user.module)) {
          op.steps.push({ module: user.module, action: 'release_user', user: { id: user.id, kind: 'admin', holder: user.holder } });
          this.releaseUserRecord(user, op);
        }
      }
      this.dropUndeclaredDependencies(op);
      await this.settle(op, new Set(), new Set());
      const failures: NonNullable<OpResult['failures']> = [];
      await this.bindNewlyDeclaredDependencies(op, failures);
      for (const [name, reason] of wanted) {
        if (this.bannedNames.has(name)) continue;
        const entry = this.modules.get(name);
        if (entry && this.adminUserOf(entry)) continue;
        try {
          await this.loadInOp(name, reason, op);
        } catch (err) {
          if (!isLoaderError(err)) throw err;
          failures.push({ module: name, code: err.code, message: err.message });
        }
      }
      return { op: op.op, plan: op.steps, dry_run: false, ...(failures.length > 0 ? { failures } : {}) };
    });
  }

  /**
   * Config reload, part 1: a running module keeps its manifest dependencies (bound at load,
   * 6.13), but dependencies the admin declared in config files follow the files. Those no
   * longer declared are released here; what that leaves unused stops in the next settle.
   */
  private dropUndeclaredDependencies(op: Op): void {
    for (const entry of this.modules.values()) {
      if (!isActive(entry.state) || !entry.bound) continue;
      const declared = new Set(this.declarations.of(entry.loadedManifest ?? entry.manifest).map(dependencyKey));
      const keep: BoundDependency[] = [];
      for (const bound of entry.bound) {
        if (bound.userKind === 'module' || declared.has(dependencyKey(bound))) keep.push(bound);
      }
      const kept = new Set(keep.map((b) => b.userId));
      for (const bound of entry.bound) {
        const user = this.usersById.get(bound.userId);
        if (!kept.has(bound.userId) && user) {
          op.steps.push({ module: user.module, action: 'release_user', user: { id: user.id, kind: user.kind, holder: user.holder } });
          this.releaseUserRecord(user, op);
        }
      }
      entry.bound = keep;
    }
  }

  /**
   * Config reload, part 2: dependencies newly declared in config files for running modules
   * (a new `[uses]` line, a new dialplan step) are loaded and held now, unless that would
   * close a cycle through running modules; failures are reported, not fatal.
   */
  private async bindNewlyDeclaredDependencies(op: Op, failures: NonNullable<OpResult['failures']>): Promise<void> {
    const running = [...this.modules.values()].filter((e) => e.state === 'running' && e.bound).sort((a, b) => a.loadSeq - b.loadSeq);
    for (const entry of running) {
      if (entry.state !== 'running' || !entry.bound) continue;
      const bound = new Set(entry.bound.map(dependencyKey));
      for (const dep of this.declarations.of(entry.loadedManifest ?? entry.manifest)) {
        if (dep.userKind === 'module' || bound.has(dependencyKey(dep))) continue;
        bound.add(dependencyKey(dep));
        try {
          await this.bindDependency(entry, dep, op);
        } catch (err) {
          if (!isLoaderError(err)) throw err;
          failures.push({ module: entry.name, code: err.code, message: err.message });
        }
      }
    }
  }

  private async bindDependency(entry: ModuleEntry, dep: DeclaredDependency, op: Op): Promise<void> {
    const resolved = resolveDependency(this.planningView(), dep);
    if (!('provider' in resolved)) {
      if (dep.optional) {
        this.emit('dialplan_unresolved', entry.name, op, {
          app: dep.name,
          holder: dep.holder,
          origin: { file: dep.origin.file, line: dep.origin.line ?? 0 },
        });
        return;
      }
      throw new LoaderError('unresolved_dependency', `nothing provides ${dep.type}=${dep.name} (needed by ${entry.name})`, {
        missing: [{ type: dep.type, name: dep.name, needed_by: entry.name, declared_in: declaredAt(dep) }],
      });
    }
    const provider = resolved.provider;
    if (this.reaches(provider, entry.name)) {
      throw new LoaderError('dependency_cycle', `${entry.name} -> ${provider} would close a cycle through running modules`, {
        cycle: [entry.name, provider, entry.name],
        edges: [{ from: entry.name, to: provider, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) }],
      });
    }
    const plan = planLoad(this.planningView(), [provider]);
    for (const m of plan.order) op.steps.push({ module: m, action: 'load' });
    await this.executeLoad(plan, op);
    const user = this.addUserRecord(
      {
        kind: dep.userKind,
        holder: dep.holder,
        module: provider,
        owner: entry.name,
        origin: dep.origin.line === undefined ? undefined : { file: dep.origin.file, line: dep.origin.line },
        reason: `${dep.type}=${dep.name}`,
      },
      op,
    );
    entry.holds.add(user.id);
    entry.bound?.push({ ...dep, provider, userId: user.id });
  }

  /** Whether `from` depends, directly or not, on `to` (bound deps when running, declared otherwise). */
  private reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (name === to) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      const entry = this.modules.get(name);
      if (!entry) continue;
      if (entry.bound) for (const b of entry.bound) stack.push(b.provider);
      else
        for (const dep of this.declarations.of(entry.manifest)) {
          const r = resolveDependency(this.planningView(), dep);
          if ('provider' in r) stack.push(r.provider);
        }
    }
    return false;
  }

  // ===========================================================================================
  // Operation plumbing

  private operate<T extends OpResult>(
    kind: OpLogEntry['kind'],
    target: string | undefined,
    args: Record<string, unknown>,
    options: OpOptions,
    body: (op: Op) => Promise<T>,
  ): Promise<T> {
    return this.queue.run(async () => {
      const op: Op = { op: `op-${++this.opCounter}`, cause: options.cause, steps: [] };
      const startedAt = this.host.now();
      this.current = op;
      let ok = false;
      let code: string | undefined;
      try {
        const result = await body(op);
        ok = true;
        return result;
      } catch (err) {
        code = isLoaderError(err) ? err.code : 'internal';
        if (isLoaderError(err)) err.details.op = op.op;
        throw err;
      } finally {
        this.current = null;
        this.log.push({
          op: op.op,
          kind,
          target,
          args,
          cause: options.cause,
          ok,
          code,
          started: new Date(startedAt).toISOString(),
          duration_ms: this.host.now() - startedAt,
        });
        if (this.log.length > this.opLogSize) this.log.splice(0, this.log.length - this.opLogSize);
      }
    });
  }

  private result(op: Op, entry: ModuleEntry, dryRun: boolean): OpResult {
    return { op: op.op, plan: op.steps, dry_run: dryRun, state: entry.state };
  }

  private emit<K extends Parameters<EventBus['emit']>[0]>(
    event: K,
    module: string | undefined,
    op: EventContext | null,
    fields: Parameters<EventBus['emit']>[3] & object,
  ): void {
    this.bus.emit(event, module, op ?? { cause: module }, fields as never);
  }

  private entry(name: string): ModuleEntry {
    const entry = this.modules.get(name);
    if (!entry) throw new LoaderError('unknown_module', `no module named ${name}`, { module: name });
    return entry;
  }

  private adminUserOf(entry: ModuleEntry): UserRecord | undefined {
    for (const user of entry.users.values()) if (user.kind === 'admin') return user;
    return undefined;
  }

  private reindex(): void {
    const manifests = [...this.modules.values()].filter((e) => !e.removed).map((e) => e.manifest);
    this.index = new ProviderIndex(manifests);
    this.ranks = rankModules(manifests.map((m) => ({ name: m.name, load_priority: m.load_priority })));
    // Removed-but-running modules keep a rank after every other (they only ever unload).
    let next = this.ranks.size;
    for (const e of this.modules.values()) if (!this.ranks.has(e.name)) this.ranks.set(e.name, next++);
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

  private planningView(): PlanningView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      entry: (name) => this.modules.get(name),
      declared: (entry) => this.declarations.of(entry.manifest),
      get index() {
        return self.index;
      },
      banned: (name) => this.bannedNames.has(name),
      rank: (name) => this.ranks.get(name) ?? Number.MAX_SAFE_INTEGER,
    };
  }

  private cascadeView() {
    return { entry: (name: string) => this.modules.get(name), user: (id: string) => this.usersById.get(id) };
  }

  /** The modules autoload makes the admin a user of (SPEC 5), in load order of rank. */
  private autoloadSet(): string[] {
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

  // ===========================================================================================
  // Loading

  /** load() inside another operation (startup, config reload): plan, start, add the admin. */
  private async loadInOp(name: string, reason: string, op: Op): Promise<void> {
    const entry = this.entry(name);
    const plan = planLoad(this.planningView(), [name]);
    for (const m of plan.order) op.steps.push({ module: m, action: 'load' });
    await this.executeLoad(plan, op);
    if (!this.adminUserOf(entry)) {
      op.steps.push({ module: name, action: 'add_user', user: { kind: 'admin', holder: 'admin' } });
      this.addUserRecord({ kind: 'admin', holder: 'admin', module: name, reason }, op);
    }
  }

  /** Starts `plan.order`; on the first failure rolls back what it started, in reverse. */
  private async executeLoad(plan: LoadPlan, op: Op): Promise<void> {
    const started: ModuleEntry[] = [];
    for (const name of plan.order) {
      const entry = this.modules.get(name)!;
      try {
        await this.startModule(entry, plan.resolutions.get(name) ?? [], op);
        started.push(entry);
      } catch (err) {
        const rolledBack: string[] = [];
        for (const done of started.reverse()) {
          if (!isActive(done.state)) continue;
          for (const user of [...done.users.values()]) this.releaseUserRecord(user, op);
          await this.stopModule(done, op);
          rolledBack.push(done.name);
        }
        if (isLoaderError(err)) {
          err.details.rolled_back = rolledBack;
          if (rolledBack.length > 0) err.message += `; rolled back ${rolledBack.join(', ')}`;
        }
        throw err;
      }
    }
  }

  private async startModule(entry: ModuleEntry, resolutions: Resolution[], op: Op): Promise<void> {
    transition(entry, 'loading');
    this.emit('loading', entry.name, op, {});
    const manifest = entry.manifest;

    // The lib: reuse a blocked one only when the binary it came from is still the manifest's.
    if (!entry.lib) {
      await this.importLib(entry, manifest, op);
    } else if (entry.libChecksum !== manifest.checksum) {
      return this.failStart(entry, op, 'lib_blocked', `the lib of ${entry.name} is blocked from unloading; the changed binary can be loaded after a restart`, 'import');
    }

    // Bind dependencies (stable providers, 6.13): one user per declared dependency source.
    const bound: BoundDependency[] = [];
    const byHolder = new Map<string, string>();
    for (const { dep, provider } of resolutions) {
      if (provider === null) {
        this.emit('dialplan_unresolved', entry.name, op, {
          app: dep.name,
          holder: dep.holder,
          origin: { file: dep.origin.file, line: dep.origin.line ?? 0 },
        });
        continue;
      }
      const key = `${provider}\u0000${dep.userKind}\u0000${dep.holder}`;
      let userId = byHolder.get(key);
      if (!userId) {
        const user = this.addUserRecord(
          {
            kind: dep.userKind,
            holder: dep.holder,
            module: provider,
            owner: entry.name,
            origin: dep.origin.line === undefined ? undefined : { file: dep.origin.file, line: dep.origin.line },
            reason: `${dep.type}=${dep.name}`,
          },
          op,
        );
        entry.holds.add(user.id);
        userId = user.id;
        byHolder.set(key, userId);
      }
      bound.push({ ...dep, provider, userId });
    }
    entry.bound = bound;
    entry.loadedManifest = manifest;

    const instance = createInstance();
    entry.instance = instance;
    const ctx = createContext(entry, instance, this.services);
    instance.ctx = ctx;
    const lib = entry.lib!;
    const settled = await runHook(() => lib.load(ctx), this.loadTimeoutMs);
    if (settled.kind === 'value' && (settled.value === undefined || settled.value === 'success')) {
      transition(entry, 'running');
      entry.loadSeq = ++this.loadCounter;
      entry.reason = null;
      this.emit('load', entry.name, op, { state: 'running' });
      await this.notifyCanusers(entry, op);
      return;
    }
    if (settled.kind === 'value' && settled.value === 'decline') {
      return this.failStart(entry, op, 'load_failed', `${entry.name} declined to load`, 'decline');
    }
    const reason =
      settled.kind === 'timeout'
        ? `load() did not finish within ${this.loadTimeoutMs} ms`
        : settled.kind === 'throw'
          ? `load() threw: ${describeError(settled.error)}`
          : settled.value === 'failure'
            ? 'load() returned failure'
            : `load() returned ${JSON.stringify(settled.value)}`;
    return this.failStart(entry, op, 'load_failed', reason, settled.kind === 'value' ? 'failure' : settled.kind);
  }

  private async importLib(entry: ModuleEntry, manifest: Manifest, op: Op): Promise<void> {
    const algorithm = checksumAlgorithm(manifest.checksum);
    const expected = checksumDigest(manifest.checksum);
    const checked = await runHook(() => this.host.checksum(entry.name, algorithm), this.loadTimeoutMs);
    if (checked.kind !== 'value') {
      const reason = checked.kind === 'timeout' ? 'reading the binary timed out' : describeError(checked.error);
      return this.failStart(entry, op, 'load_failed', `${entry.name}: ${reason}`, 'import');
    }
    entry.diskChecksum = checked.value;
    if (checked.value !== expected) {
      this.emit('checksum_mismatch', entry.name, op, { expected, actual: checked.value });
      return this.failStart(entry, op, 'checksum_mismatch', `${entry.name}: the binary does not match its manifest checksum`, 'checksum_mismatch', {
        expected,
        actual: checked.value,
      });
    }
    const imported = await runHook(() => this.host.importLib(entry.name), this.loadTimeoutMs);
    if (imported.kind !== 'value') {
      const reason = imported.kind === 'timeout' ? 'import timed out' : `import failed: ${describeError(imported.error)}`;
      return this.failStart(entry, op, 'load_failed', `${entry.name}: ${reason}`, 'import');
    }
    entry.lib = imported.value;
    entry.libChecksum = manifest.checksum;
    entry.blocked = false;
  }

  /**
   * Leaves `entry` failed (or declined) with everything it took during the attempt given back,
   * then throws the operation's error. Never returns.
   */
  private failStart(
    entry: ModuleEntry,
    op: Op,
    code: 'load_failed' | 'checksum_mismatch' | 'lib_blocked',
    reason: string,
    outcome: 'decline' | 'failure' | 'throw' | 'timeout' | 'checksum_mismatch' | 'import',
    extra: Record<string, unknown> = {},
  ): never {
    if (entry.instance) {
      this.withdrawRegistrations(entry, op);
      endInstance(entry.instance);
      entry.instance = null;
    }
    for (const id of [...entry.holds]) {
      const user = this.usersById.get(id);
      if (user) this.releaseUserRecord(user, op);
    }
    for (const user of [...entry.users.values()]) this.releaseUserRecord(user, op);
    entry.bound = null;
    entry.loadedManifest = null;
    if (entry.lib && !entry.blocked) {
      entry.lib = null;
      entry.libChecksum = null;
    }
    entry.reason = reason;
    if (outcome === 'decline') {
      transition(entry, 'declined');
      this.emit('declined', entry.name, op, { reason });
    } else {
      transition(entry, 'failed');
      this.emit('load_failed', entry.name, op, { reason, outcome });
    }
    throw new LoaderError(code, reason, { module: entry.name, reason, outcome, ...extra });
  }

  private async notifyCanusers(entry: ModuleEntry, op: Op): Promise<void> {
    for (const name of this.canusers.get(entry.name) ?? []) {
      const canuser = this.modules.get(name);
      if (!canuser || canuser === entry || canuser.state !== 'running' || !canuser.lib || !canuser.instance?.ctx) continue;
      const hook = canuser.lib.onCanuse;
      const ctx = canuser.instance.ctx;
      if (hook) await runHook(() => hook.call(canuser.lib, ctx, entry.name), this.loadTimeoutMs);
      this.emit('canuse', name, op, { used: entry.name });
    }
  }

  // ===========================================================================================
  // Unloading

  private softUnload(entry: ModuleEntry, op: Op, dryRun: boolean): Promise<OpResult> | OpResult {
    const admin = this.adminUserOf(entry);
    if (!admin) {
      throw new LoaderError('in_use', `${entry.name} is not held by the admin; it is in use by ${describeUsers(entry)}`, {
        module: entry.name,
        users: [...entry.users.values()].map(userInfo),
      });
    }
    op.steps.push({ module: entry.name, action: 'release_user', user: { id: admin.id, kind: 'admin', holder: admin.holder } });
    const primary = new Set([entry.name]);
    if (dryRun) {
      this.planStops(op, simulateStops(this.cascadeView(), [admin]), primary, new Set());
      return { ...this.result(op, entry, true), users: [...entry.users.values()].filter((u) => u !== admin).map(userInfo) };
    }
    this.releaseUserRecord(admin, op);
    return this.settle(op, primary, new Set()).then(() => ({
      ...this.result(op, entry, false),
      users: [...entry.users.values()].map(userInfo),
    }));
  }

  private async firmUnload(entry: ModuleEntry, op: Op, dryRun: boolean): Promise<OpResult> {
    const firm = this.firmClosure(entry);
    const primary = new Set([entry.name]);
    const dependents = new Set([...firm.modules].filter((m) => m !== entry.name));
    for (const user of firm.release) {
      op.steps.push({ module: user.module, action: 'release_user', user: { id: user.id, kind: user.kind, holder: user.holder } });
    }
    for (const user of firm.dispose) {
      op.steps.push({ module: user.module, action: 'dispose', user: { id: user.id, kind: user.kind, holder: user.holder } });
    }
    for (const user of firm.request) {
      op.steps.push({ module: user.module, action: 'dispose_request', user: { id: user.id, kind: user.kind, holder: user.holder } });
    }
    if (dryRun) {
      this.planStops(op, simulateStops(this.cascadeView(), [...firm.release, ...firm.dispose]), primary, dependents);
      return { ...this.result(op, entry, true), pending: firm.request.map(userInfo) };
    }
    this.applyFirm(firm, op);
    await this.settle(op, primary, dependents);
    return { ...this.result(op, entry, false), pending: this.pendingOf(entry), users: [...entry.users.values()].map(userInfo) };
  }

  /**
   * Who must go for `target` to stop (SPEC 6.5): its dependents (through module, config and
   * dialplan users), recursively, are firm-unloaded too; every root user of those modules is
   * released (admin, cancellable holds), disposed (channels) or asked to go (other holds).
   */
  private firmClosure(target: ModuleEntry): { modules: Set<string>; release: UserRecord[]; dispose: UserRecord[]; request: UserRecord[] } {
    const modules = new Set<string>();
    const release: UserRecord[] = [];
    const dispose: UserRecord[] = [];
    const request: UserRecord[] = [];
    const stack = [target];
    while (stack.length > 0) {
      const entry = stack.pop()!;
      if (modules.has(entry.name)) continue;
      modules.add(entry.name);
      for (const user of entry.users.values()) {
        switch (user.kind) {
          case 'module':
          case 'config':
          case 'dialplan': {
            const owner = user.owner !== undefined ? this.modules.get(user.owner) : undefined;
            if (owner && isActive(owner.state)) stack.push(owner);
            break;
          }
          case 'channel':
            (user.dispose ? dispose : request).push(user);
            break;
          case 'external':
            (user.cancellable ? release : request).push(user);
            break;
          case 'admin':
            release.push(user);
            break;
        }
      }
    }
    return { modules, release, dispose, request };
  }

  private applyFirm(firm: ReturnType<Loader['firmClosure']>, op: Op): void {
    for (const user of firm.request) {
      this.modules.get(user.module)?.pending.add(user.id);
      this.emit('dispose_request', user.module, op, { user: userInfo(user) });
    }
    for (const user of firm.release) this.releaseUserRecord(user, op);
    this.disposeUsers(firm.dispose, op);
    for (const user of firm.dispose) {
      if (this.usersById.has(user.id)) this.modules.get(user.module)?.pending.add(user.id);
    }
  }

  /** Firm-unloads inside another operation (a new ban on config reload). */
  private requestFirmUnload(entry: ModuleEntry, op: Op): void {
    const firm = this.firmClosure(entry);
    this.applyFirm(firm, op);
  }

  /** Runs dispose callbacks synchronously; a release they make applies at once. */
  private disposeUsers(users: UserRecord[], op: Op): void {
    for (const user of users) {
      if (!user.dispose || !this.usersById.has(user.id)) continue;
      this.emit('dispose_request', user.module, op, { user: userInfo(user) });
      this.syncWindow += 1;
      try {
        const maybe = user.dispose();
        if (maybe && typeof (maybe as Promise<void>).catch === 'function') (maybe as Promise<void>).catch(() => undefined);
      } catch {
        // A dispose callback that throws simply has not let go; the user stays pending.
      } finally {
        this.syncWindow -= 1;
      }
    }
  }

  private pendingOf(entry: ModuleEntry): UserInfo[] {
    if (!isActive(entry.state)) return [];
    return [...entry.users.values()].map(userInfo);
  }

  /** Waits (outside the queue) until `name` stops or the deadline passes, then re-reads it. */
  private async awaitStop(name: string, result: OpResult, timeoutMs: number): Promise<OpResult> {
    const entry = this.modules.get(name);
    if (!entry || !isActive(entry.state)) return result;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = this.bus.subscribe((event) => {
        if (event.event === 'unload' && event.module === name) done();
      });
      function done(): void {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    await this.queue.idle();
    const now = this.modules.get(name);
    return {
      ...result,
      state: now?.state ?? 'available',
      pending: now ? this.pendingOf(now) : [],
      users: now ? [...now.users.values()].map(userInfo) : [],
    };
  }

  /** Adds plan steps for the modules a simulation says will stop. */
  private planStops(op: Op, stops: ModuleEntry[], primary: Set<string>, dependents: Set<string>): void {
    for (const entry of stops) op.steps.push(this.stopStep(entry, primary, dependents));
  }

  private stopStep(entry: ModuleEntry, primary: Set<string>, dependents: Set<string>): PlanStep {
    if (primary.has(entry.name)) return { module: entry.name, action: 'unload' };
    return {
      module: entry.name,
      action: 'cascade_unload',
      direction: dependents.has(entry.name) ? 'dependents' : 'dependencies',
    };
  }

  /**
   * Stops every running module left without users, latest-loaded first, until none is left
   * (the cascade). Each stop releases what the module held, which may orphan more.
   */
  private async settle(op: Op, primary: Set<string>, dependents: Set<string>): Promise<void> {
    for (let entry = this.orphans.pop(); entry; entry = this.orphans.pop()) {
      if (entry.users.size > 0 || entry.state !== 'running') continue;
      const step = this.stopStep(entry, primary, dependents);
      op.steps.push(step);
      const cause = step.action === 'cascade_unload' ? this.cascadeCause(entry, dependents, primary) : undefined;
      if (step.direction) this.emit('cascade_unload', entry.name, { op: op.op, cause: cause ?? op.cause }, { direction: step.direction });
      await this.stopModule(entry, cause ? { ...op, cause } : op);
    }
  }

  /** The module whose unload cascaded to `entry` (SPEC 10 `cause`). */
  private cascadeCause(entry: ModuleEntry, dependents: Set<string>, primary: Set<string>): string | undefined {
    if (dependents.has(entry.name)) return [...primary][0];
    return this.orphanedBy.get(entry.name);
  }

  /**
   * Stops a running module: withdraws its registrations, runs unload(), ends the instance,
   * releases what it holds, and releases or keeps its lib (6.7, 6.8).
   */
  private async stopModule(entry: ModuleEntry, op: EventContext): Promise<void> {
    transition(entry, 'unloading');
    this.emit('unloading', entry.name, op, {});
    this.withdrawRegistrations(entry, op);
    const instance = entry.instance;
    const hook = entry.lib?.unload;
    if (hook && instance?.ctx) {
      const ctx = instance.ctx;
      const settled = await runHook(() => hook.call(entry.lib, ctx), this.loadTimeoutMs);
      if (settled.kind !== 'value') {
        entry.reason = settled.kind === 'timeout' ? 'unload() timed out' : `unload() threw: ${describeError(settled.error)}`;
      }
      // unload() may have registered again: nothing may outlive the instance.
      this.withdrawRegistrations(entry, op);
    }
    if (instance) endInstance(instance);
    entry.instance = null;
    for (const id of [...entry.holds]) {
      const user = this.usersById.get(id);
      if (user) this.releaseUserRecord(user, op);
    }
    entry.holds.clear();
    entry.bound = null;
    entry.loadedManifest = null;
    entry.pending.clear();
    if (entry.blocked) {
      transition(entry, 'stopped');
      this.emit('unload', entry.name, op, { state: 'stopped' });
      this.emit('block_unload', entry.name, op, {});
    } else {
      transition(entry, 'available');
      entry.lib = null;
      entry.libChecksum = null;
      this.emit('unload', entry.name, op, { state: 'available' });
      this.emit('lib_release', entry.name, op, {});
    }
    this.orphanedBy.delete(entry.name);
    if (entry.removed) {
      this.modules.delete(entry.name);
      this.reindex();
    }
  }

  // ===========================================================================================
  // Users

  private addUserRecord(
    fields: Omit<UserRecord, 'id' | 'since'>,
    op: EventContext | null,
  ): UserRecord {
    const held = this.modules.get(fields.module)!;
    const user: UserRecord = { id: `u${++this.userCounter}`, since: new Date(this.host.now()).toISOString(), ...fields };
    held.users.set(user.id, user);
    this.usersById.set(user.id, user);
    this.emit('user_add', user.module, op, { user: userInfo(user) });
    return user;
  }

  /** Removes a user record; a module left without users is queued to stop (see settle). */
  private releaseUserRecord(user: UserRecord, op: EventContext | null): void {
    if (!this.usersById.delete(user.id)) return;
    const held = this.modules.get(user.module);
    if (held) {
      held.users.delete(user.id);
      held.pending.delete(user.id);
      if (held.users.size === 0 && held.state === 'running') {
        this.orphans.push(held);
        if (user.owner !== undefined && user.owner !== held.name) this.orphanedBy.set(held.name, user.owner);
      }
    }
    if (user.owner !== undefined) this.modules.get(user.owner)?.holds.delete(user.id);
    this.emit('user_release', user.module, op, { user: userInfo(user) });
  }

  // ===========================================================================================
  // The module runtime's services (ctx)

  private register(entry: ModuleEntry, type: string, name: string, impl: unknown, priority: number): void {
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

  private withdrawRegistrations(entry: ModuleEntry, op: EventContext | null): void {
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

  private useProvider(entry: ModuleEntry, type: string, name: string): unknown {
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

  private addUserFromModule(entry: ModuleEntry, options: AddUserOptions): UserHandle {
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

  private releaseFromModule(id: string, module: string): Promise<void> {
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

function dependencyKey(dep: DeclaredDependency): string {
  return `${dep.userKind}\u0000${dep.holder}\u0000${dep.type}\u0000${dep.name}`;
}

function isPolicyReason(reason: string | undefined): boolean {
  return reason === 'require' || reason === 'preload' || reason === 'modules.conf' || reason === 'autoload';
}

function describeUsers(entry: ModuleEntry): string {
  const users = [...entry.users.values()];
  if (users.length === 0) return 'nobody';
  return users.map((u) => `${u.kind} ${u.holder}`).join(', ');
}
