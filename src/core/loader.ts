/**
 * The `Loader`: the loader's public face (LoaderApi). It composes the collaborators (module
 * table, user ledger, API registry, event bus), runs every operation of SPEC 6 on one
 * serialized queue with its op log, and answers reads from the read models. The operations
 * themselves are in `ops/`, one file per family.
 *
 * Concurrency model: operations run one at a time in arrival order (OperationQueue). Reads are
 * synchronous and see the records as they are between two awaits of the running operation,
 * which always satisfy SPEC 6.14's invariants. A running module may add users through its ctx
 * at any time (a synchronous, atomic change that only ever makes a module more needed); its
 * releases are operations of their own, except inside a dispose callback the loader is running
 * synchronously, where they apply at once (so a firm unload sees a channel hang up in time).
 */
import type { AddUserRequest, LoaderApi, OpLogEntry, OpOptions, RescanSummary, ScanResult, UnloadOptions } from './api.js';
import { emitterOf, newOp, type Core, type Op } from './core.js';
import { isLoaderError } from './errors.js';
import { EventBus } from './event-bus.js';
import { contextServices } from './holds.js';
import { UserLedger } from './ledger.js';
import type { Manifest } from './manifest.js';
import { userInfo } from './model.js';
import { setPolicy } from './ops/config-reload.js';
import { fault } from './ops/fault.js';
import { addUser, load, releaseUser } from './ops/load.js';
import { reload } from './ops/reload.js';
import { rescan } from './ops/rescan.js';
import { shutdown, startup } from './ops/startup.js';
import { pendingOf, unload } from './ops/unload.js';
import type { Policy } from './policy.js';
import { OperationQueue } from './queue.js';
import { reportRefusal } from './refusals.js';
import { ApiRegistry } from './registry.js';
import { isActive } from './state.js';
import { ModuleTable } from './table.js';
import type {
  EventListener,
  FaultSource,
  Graph,
  LoaderHost,
  ModuleDetail,
  ModuleState,
  ModuleSummary,
  OpResult,
  ProviderInfo,
  UserInfo,
  UserKind,
  WhyChain,
} from './types.js';
import { Views } from './views.js';

export interface LoaderOptions {
  host: LoaderHost;
  scan: ScanResult;
  policy: Policy;
  /** How long a module's load(), unload(), reload(), hooks or import may take (default 10 s). */
  loadTimeoutMs?: number;
  /** How many operations the op log keeps (default 10,000). */
  opLogSize?: number;
  /**
   * Tells this run of the service from every other: user ids end with it (`u12-<bootId>`), so an
   * id from before a restart never names a user of this one. Default: none (`u12`).
   */
  bootId?: string;
}

export class Loader implements LoaderApi {
  private readonly core: Core;
  private readonly views: Views;
  private readonly queue = new OperationQueue();
  private readonly log: OpLogEntry[] = [];
  private readonly opLogSize: number;
  private opCounter = 0;
  private readonly opListeners = new Set<(entry: OpLogEntry) => void>();

  constructor(options: LoaderOptions) {
    const host = options.host;
    const bus = new EventBus(() => host.now());
    const table = new ModuleTable(options.scan.manifests, options.scan.binaries, options.policy);
    const emit = emitterOf(bus);
    const core: Core = {
      host,
      loadTimeoutMs: options.loadTimeoutMs ?? 10_000,
      bus,
      table,
      users: new UserLedger(table, emit, () => host.now(), options.bootId ? `-${options.bootId}` : ''),
      registry: new ApiRegistry(emit),
      services: undefined as unknown as Core['services'],
      current: null,
      loadCounter: 0,
      syncWindow: 0,
      queueRelease: (id, cause) => this.releaseUser(id, { cause }),
    };
    core.services = contextServices(core);
    this.core = core;
    this.views = new Views(core);
    this.opLogSize = options.opLogSize ?? 10_000;
  }

  // ---- events

  subscribe(listener: EventListener): () => void {
    return this.core.bus.subscribe(listener);
  }

  get nextSeq(): number {
    return this.core.bus.nextSeq;
  }

  subscribeOperations(listener: (entry: OpLogEntry) => void): () => void {
    this.opListeners.add(listener);
    return () => void this.opListeners.delete(listener);
  }

  // ---- reads

  list(filter?: { like?: string; state?: ModuleState }): ModuleSummary[] {
    return this.views.list(filter);
  }

  get(name: string): ModuleDetail {
    return this.views.detail(this.core.table.require(name));
  }

  has(name: string): boolean {
    return this.core.table.has(name);
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
    return this.views.why(this.core.table.require(name));
  }

  manifests(): Manifest[] {
    return [...this.core.table.values()].map((e) => e.manifest);
  }

  manifest(name: string): Manifest {
    return this.core.table.require(name).manifest;
  }

  policy(): Policy {
    return this.core.table.policy;
  }

  opLog(): OpLogEntry[] {
    return [...this.log];
  }

  provider<T = unknown>(type: string, name: string): T | undefined {
    return this.core.registry.best(type, name)?.impl as T | undefined;
  }

  /** Resolves once every operation queued so far has finished. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  // ---- operations (ops/ has each one)

  load(name: string, options: OpOptions & { reason?: string } = {}): Promise<OpResult> {
    return this.operate('load', name, { dry_run: !!options.dryRun }, options, (op) => load(this.core, op, name, !!options.dryRun, options.reason));
  }

  unload(name: string, options: UnloadOptions = {}): Promise<OpResult> {
    const force = !!options.force;
    const run = this.operate('unload', name, { force, dry_run: !!options.dryRun }, options, async (op) =>
      unload(this.core, op, name, force, !!options.dryRun),
    );
    const timeoutMs = options.timeoutMs ?? 0;
    if (!force || options.dryRun || timeoutMs <= 0) return run;
    return run.then((result) => this.awaitStop(name, result, timeoutMs));
  }

  reload(name: string, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('reload', name, { dry_run: !!options.dryRun }, options, (op) => reload(this.core, op, name, !!options.dryRun));
  }

  addUser(name: string, request: AddUserRequest): Promise<OpResult> {
    const args = { holder: request.holder, cancellable: !!request.cancellable, dry_run: !!request.dryRun };
    return this.operate('add_user', name, args, request, (op) =>
      addUser(this.core, op, name, request.holder, !!request.cancellable, !!request.dryRun),
    );
  }

  releaseUser(id: string, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('release_user', id, { dry_run: !!options.dryRun }, options, (op) => releaseUser(this.core, op, id, !!options.dryRun));
  }

  startup(options: OpOptions = {}): Promise<OpResult> {
    return this.operate('startup', undefined, {}, options, (op) => startup(this.core, op));
  }

  shutdown(options: OpOptions = {}): Promise<OpResult> {
    return this.operate('shutdown', undefined, {}, options, (op) => shutdown(this.core, op));
  }

  rescan(scan: ScanResult, options: OpOptions = {}): Promise<OpResult & { rescan: RescanSummary }> {
    return this.operate('rescan', undefined, {}, options, async (op) => rescan(this.core, op, scan));
  }

  setPolicy(policy: Policy, options: OpOptions = {}): Promise<OpResult> {
    return this.operate('set_policy', undefined, {}, options, (op) => setPolicy(this.core, op, policy));
  }

  fault(name: string, error: unknown, options: OpOptions & { source?: FaultSource } = {}): Promise<OpResult> {
    const source = options.source ?? 'exception';
    return this.operate('fault', name, { source }, { cause: options.cause ?? name }, (op) => fault(this.core, op, name, error, source));
  }

  /**
   * Runs `body` as one operation: queued in arrival order, given an id, its refusals streamed,
   * recorded in the op log and reported to the operation observers.
   */
  private operate<T extends OpResult>(
    kind: OpLogEntry['kind'],
    target: string | undefined,
    args: Record<string, unknown>,
    options: OpOptions,
    body: (op: Op) => Promise<T>,
  ): Promise<T> {
    return this.queue.run(async () => {
      const op = newOp(`op-${++this.opCounter}`, options.cause);
      const startedAt = this.core.host.now();
      this.core.current = op;
      let ok = false;
      let code: string | undefined;
      try {
        const result = await body(op);
        ok = true;
        return result;
      } catch (err) {
        code = isLoaderError(err) ? err.code : 'internal';
        if (isLoaderError(err)) {
          err.details.op = op.op;
          if (!options.dryRun && kind !== 'startup') reportRefusal(this.core, op, err, target);
        }
        throw err;
      } finally {
        this.core.current = null;
        this.record({
          op: op.op,
          kind,
          target,
          args,
          cause: options.cause,
          ok,
          code,
          started: new Date(startedAt).toISOString(),
          duration_ms: this.core.host.now() - startedAt,
        });
      }
    });
  }

  private record(entry: OpLogEntry): void {
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

  /** Waits (outside the queue) until `name` stops or the deadline passes, then re-reads it. */
  private async awaitStop(name: string, result: OpResult, timeoutMs: number): Promise<OpResult> {
    const entry = this.core.table.get(name);
    if (!entry || !isActive(entry.state)) return result;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = this.core.bus.subscribe((event) => {
        if (event.event === 'unload' && event.module === name) done();
      });
      function done(): void {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    await this.queue.idle();
    const now = this.core.table.get(name);
    return {
      ...result,
      state: now?.state ?? 'available',
      pending: now ? pendingOf(this.core, now) : [],
      users: now ? [...now.users.values()].map(userInfo) : [],
    };
  }
}
