/**
 * The loader's public face (LoaderApi): reads, and every operation of SPEC 6 on one serialized
 * queue with its op log. The records and primitives are in records.ts, starting and stopping
 * modules in lifecycle.ts; planning in plan-load.ts and cascade.ts, the module runtime in
 * runtime.ts, read models in views.ts.
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
import { simulateStops } from './cascade.js';
import { DependencyDeclarations } from './dependencies.js';
import { LoaderError, isLoaderError } from './errors.js';
import { checksumDigest, type Manifest } from './manifest.js';
import { newEntry, userInfo, type ModuleEntry } from './model.js';
import { planLoad } from './plan-load.js';
import type { Policy } from './policy.js';
import { OperationQueue } from './queue.js';
import { describeError, runHook } from './runtime.js';
import { isActive } from './state.js';
import type {
  EventListener,
  FaultSource,
  Graph,
  ModuleDetail,
  ModuleState,
  ModuleSummary,
  OpResult,
  ProviderInfo,
  UserInfo,
  UserKind,
  WhyChain,
} from './types.js';
import { ModuleLifecycle } from './lifecycle.js';
import type { LoaderOptions, Op } from './records.js';

export type { LoaderOptions } from './records.js';

export class Loader extends ModuleLifecycle implements LoaderApi {
  private readonly queue = new OperationQueue();
  private readonly log: OpLogEntry[] = [];
  private readonly opLogSize: number;
  private opCounter = 0;
  private readonly opListeners = new Set<(entry: OpLogEntry) => void>();

  constructor(options: LoaderOptions) {
    super(options);
    this.opLogSize = options.opLogSize ?? 10_000;
  }

  subscribe(listener: EventListener): () => void {
    return this.bus.subscribe(listener);
  }

  get nextSeq(): number {
    return this.bus.nextSeq;
  }

  subscribeOperations(listener: (entry: OpLogEntry) => void): () => void {
    this.opListeners.add(listener);
    return () => void this.opListeners.delete(listener);
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
        throw new LoaderError('not_running', `${name} is not running`, { module: name, state: entry.state });
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

  fault(name: string, error: unknown, options: OpOptions & { source?: FaultSource } = {}): Promise<OpResult> {
    const source = options.source ?? 'exception';
    return this.operate('fault', name, { source }, { cause: options.cause ?? name }, async (op) => {
      const entry = this.entry(name);
      const reason = `fault (${source}): ${describeError(error)}`;
      this.emit('module_fault', name, op, { error: describeError(error), source });
      entry.reason = reason;
      if (!isActive(entry.state)) return this.result(op, entry, false);
      entry.faulted = true;
      const result = await this.firmUnload(entry, op, false);
      entry.reason = reason;
      return result;
    });
  }

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
        const entry: OpLogEntry = {
          op: op.op,
          kind,
          target,
          args,
          cause: options.cause,
          ok,
          code,
          started: new Date(startedAt).toISOString(),
          duration_ms: this.host.now() - startedAt,
        };
        this.log.push(entry);
        if (this.log.length > this.opLogSize) this.log.splice(0, this.log.length - this.opLogSize);
        for (const listener of this.opListeners) {
          try {
            listener(entry);
          } catch {
            // An observer's fault must never reach the loader.
          }
        }
      }
    });
  }

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
}

function isPolicyReason(reason: string | undefined): boolean {
  return reason === 'require' || reason === 'preload' || reason === 'modules.conf' || reason === 'autoload';
}

function describeUsers(entry: ModuleEntry): string {
  const users = [...entry.users.values()];
  if (users.length === 0) return 'nobody';
  return users.map((u) => `${u.kind} ${u.holder}`).join(', ');
}
