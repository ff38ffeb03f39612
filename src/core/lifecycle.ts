/**
 * Starting and stopping modules inside an operation: executing a load plan with rollback,
 * importing and verifying libs, binding dependencies, running hooks under deadlines, stopping
 * instances, settling cascades in reverse load order, firm-unload disposal, and rebinding
 * admin-declared dependencies on config reload. Layered between LoaderRecords (records.ts) and
 * the public Loader (loader.ts).
 */
import { LoaderError, isLoaderError } from './errors.js';
import type { EventContext } from './event-bus.js';
import { checksumAlgorithm, checksumDigest, type Manifest } from './manifest.js';
import {
  userInfo,
  type BoundDependency,
  type DeclaredDependency,
  type ModuleEntry,
  type UserRecord,
} from './model.js';
import { declaredAt, planLoad, resolveDependency, type LoadPlan, type Resolution } from './plan-load.js';
import { createContext, createInstance, describeError, endInstance, runHook, type Settled } from './runtime.js';
import { isActive, transition } from './state.js';
import type { OpResult, PlanStep, UserInfo } from './types.js';
import { LoaderRecords, type Op } from './records.js';

/** How many binaries a load reads ahead for their checksums. */
const CHECKSUM_WINDOW = 16;

export abstract class ModuleLifecycle extends LoaderRecords {
  /** load() inside another operation (startup, config reload): plan, start, add the admin. */
  protected async loadInOp(name: string, reason: string, op: Op): Promise<void> {
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
  protected async executeLoad(plan: LoadPlan, op: Op): Promise<void> {
    const started: ModuleEntry[] = [];
    // Reading binaries for their checksums has no side effects: keep a window of them in flight
    // ahead of the module being started, so file latency overlaps the loads (imports and load()
    // calls still run strictly in order).
    const checksums = new Map<ModuleEntry, Promise<Settled<string>>>();
    const prefetch = (k: number): void => {
      const next = plan.entries[k];
      if (next && !next.lib && !checksums.has(next)) checksums.set(next, this.readChecksum(next, next.manifest));
    };
    for (let k = 0; k < CHECKSUM_WINDOW; k++) prefetch(k);
    for (let k = 0; k < plan.entries.length; k++) {
      const entry = plan.entries[k]!;
      prefetch(k + CHECKSUM_WINDOW);
      try {
        await this.startModule(entry, plan.resolutions[k]!, op, checksums.get(entry));
        checksums.delete(entry);
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

  protected async startModule(
    entry: ModuleEntry,
    resolutions: Resolution[],
    op: Op,
    checksum?: Promise<Settled<string>>,
  ): Promise<void> {
    transition(entry, 'loading');
    this.emit('loading', entry.name, op, {});
    const manifest = entry.manifest;

    // The lib: reuse a blocked one only when the binary it came from is still the manifest's.
    if (!entry.lib) {
      await this.importLib(entry, manifest, op, checksum);
    } else if (entry.libChecksum !== manifest.checksum) {
      return this.failStart(entry, op, 'lib_blocked', `the lib of ${entry.name} is blocked from unloading; the changed binary can be loaded after a restart`, 'import');
    }

    // Bind dependencies (stable providers, 6.13): one user per declared dependency source.
    const bound: BoundDependency[] = [];
    const byHolder = new Map<string, string>();
    for (const { dep, provider } of resolutions) {
      if (provider === null) {
        this.reportUnresolvedStep(entry, dep, op);
        continue;
      }
      const key = `${provider}\u0000${dep.userKind}\u0000${dep.holder}`;
      let userId = byHolder.get(key);
      if (!userId) {
        const user = this.holdDependency(entry, dep, provider, op);
        userId = user.id;
        byHolder.set(key, userId);
      }
      bound.push(bindRecord(dep, provider, userId));
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

  /** The checksum of the module's binary on disk, in its manifest's algorithm; never rejects. */
  protected readChecksum(entry: ModuleEntry, manifest: Manifest): Promise<Settled<string>> {
    return runHook(() => this.host.checksum(entry.name, checksumAlgorithm(manifest.checksum)), this.loadTimeoutMs);
  }

  /** Verifies the binary against the manifest (a checksum read ahead may be given), then imports it. */
  protected async importLib(entry: ModuleEntry, manifest: Manifest, op: Op, checksum?: Promise<Settled<string>>): Promise<void> {
    const expected = checksumDigest(manifest.checksum);
    const checked = await (checksum ?? this.readChecksum(entry, manifest));
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
  protected failStart(
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

  protected async notifyCanusers(entry: ModuleEntry, op: Op): Promise<void> {
    for (const name of this.canusers.get(entry.name) ?? []) {
      const canuser = this.modules.get(name);
      if (!canuser || canuser === entry || canuser.state !== 'running' || !canuser.lib || !canuser.instance?.ctx) continue;
      const hook = canuser.lib.onCanuse;
      const ctx = canuser.instance.ctx;
      if (hook) await runHook(() => hook.call(canuser.lib, ctx, entry.name), this.loadTimeoutMs);
      this.emit('canuse', name, op, { used: entry.name });
    }
  }

  /**
   * Who must go for `target` to stop (SPEC 6.5): its dependents (through module, config and
   * dialplan users), recursively, are firm-unloaded too; every root user of those modules is
   * released (admin, cancellable holds), disposed (channels) or asked to go (other holds).
   */
  protected firmClosure(target: ModuleEntry): { modules: Set<string>; release: UserRecord[]; dispose: UserRecord[]; request: UserRecord[] } {
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

  protected applyFirm(firm: ReturnType<ModuleLifecycle['firmClosure']>, op: Op): void {
    for (const user of firm.request) {
      this.markPending(user);
      this.emit('dispose_request', user.module, op, { user: userInfo(user) });
    }
    for (const user of firm.release) this.releaseUserRecord(user, op);
    this.disposeUsers(firm.dispose, op);
    for (const user of firm.dispose) {
      if (this.usersById.has(user.id)) this.markPending(user);
    }
  }

  /** Firm-unloads inside another operation (a new ban on config reload). */
  protected requestFirmUnload(entry: ModuleEntry, op: Op): void {
    const firm = this.firmClosure(entry);
    this.applyFirm(firm, op);
  }

  /** Runs dispose callbacks synchronously; a release they make applies at once. */
  protected disposeUsers(users: UserRecord[], op: Op): void {
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

  /** Records that a firm unload is waiting for `user` to go. */
  protected markPending(user: UserRecord): void {
    const held = this.modules.get(user.module);
    if (held) (held.pending ??= new Set()).add(user.id);
  }

  protected pendingOf(entry: ModuleEntry): UserInfo[] {
    if (!isActive(entry.state)) return [];
    return [...entry.users.values()].map(userInfo);
  }

  /** Adds plan steps for the modules a simulation says will stop. */
  protected planStops(op: Op, stops: ModuleEntry[], primary: Set<string>, dependents: Set<string>): void {
    for (const entry of stops) op.steps.push(this.stopStep(entry, primary, dependents));
  }

  protected stopStep(entry: ModuleEntry, primary: Set<string>, dependents: Set<string>): PlanStep {
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
  protected async settle(op: Op, primary: Set<string>, dependents: Set<string>): Promise<void> {
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
  protected cascadeCause(entry: ModuleEntry, dependents: Set<string>, primary: Set<string>): string | undefined {
    if (dependents.has(entry.name)) return [...primary][0];
    return this.orphanedBy.get(entry.name);
  }

  /**
   * Stops a running module: withdraws its registrations, runs unload(), ends the instance,
   * releases what it holds, and releases or keeps its lib (6.7, 6.8).
   */
  protected async stopModule(entry: ModuleEntry, op: EventContext): Promise<void> {
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
    entry.pending = null;
    if (entry.faulted) {
      entry.faulted = false;
      transition(entry, 'failed');
      entry.lib = null;
      entry.libChecksum = null;
      entry.blocked = false;
      this.emit('unload', entry.name, op, { state: 'failed' });
      this.emit('lib_release', entry.name, op, {});
    } else if (entry.blocked) {
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

  /**
   * Config reload, part 1: a running module keeps its manifest dependencies (bound at load,
   * 6.13), but dependencies the admin declared in config files follow the files. Those no
   * longer declared are released here; what that leaves unused stops in the next settle.
   */
  protected dropUndeclaredDependencies(op: Op): void {
    for (const entry of this.modules.values()) {
      if (!isActive(entry.state) || !entry.bound) continue;
      const declared = new Set(this.declarations.of(entry.loadedManifest ?? entry.manifest).map(dependencyKey));
      const keep: BoundDependency[] = [];
      for (const bound of entry.bound) {
        if (bound.dep.userKind === 'module' || declared.has(dependencyKey(bound.dep))) keep.push(bound);
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
  protected async bindNewlyDeclaredDependencies(op: Op, failures: NonNullable<OpResult['failures']>): Promise<void> {
    const running = [...this.modules.values()].filter((e) => e.state === 'running' && e.bound).sort((a, b) => a.loadSeq - b.loadSeq);
    for (const entry of running) {
      if (entry.state !== 'running' || !entry.bound) continue;
      const bound = new Set(entry.bound.map((b) => dependencyKey(b.dep)));
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

  protected async bindDependency(entry: ModuleEntry, dep: DeclaredDependency, op: Op): Promise<void> {
    const resolved = resolveDependency(this.planningView(), dep);
    if (!('provider' in resolved)) {
      if (dep.optional) {
        this.reportUnresolvedStep(entry, dep, op);
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
    const user = this.holdDependency(entry, dep, provider, op);
    entry.bound?.push(bindRecord(dep, provider, user.id));
  }

  /** Makes `entry` a user of `provider` for the declared dependency `dep`. */
  protected holdDependency(entry: ModuleEntry, dep: DeclaredDependency, provider: string, op: Op): UserRecord {
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
    return user;
  }

  /** A dialplan step whose application nothing provides: reported, not fatal (SPEC 5). */
  protected reportUnresolvedStep(entry: ModuleEntry, dep: DeclaredDependency, op: Op): void {
    this.emit('dialplan_unresolved', entry.name, op, {
      app: dep.name,
      holder: dep.holder,
      origin: { file: dep.origin.file, line: dep.origin.line ?? 0 },
    });
  }

  /** Whether `from` depends, directly or not, on `to` (bound deps when running, declared otherwise). */
  protected reaches(from: string, to: string): boolean {
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
}

/** A bound dependency: the shared declaration, its provider and the user held for it. */
function bindRecord(dep: DeclaredDependency, provider: string, userId: string): BoundDependency {
  return { dep, provider, userId };
}

function dependencyKey(dep: DeclaredDependency): string {
  return `${dep.userKind}\u0000${dep.holder}\u0000${dep.type}\u0000${dep.name}`;
}
