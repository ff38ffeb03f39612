/**
 * The loader's public API, as the HTTP layer, the CLI and tests use it. `Loader` (loader.ts)
 * implements it. Reads are synchronous snapshots and never wait for operations; every
 * state-changing method is an operation: queued behind the ones before it (arrival order),
 * atomic, given an id (`op`) that its events carry, and answered with an {@link OpResult} or a
 * rejected promise carrying a {@link LoaderError} (see errors.ts for the codes).
 */
import type { Manifest } from './manifest.js';
import type { Policy } from './policy.js';
import type {
  EventListener,
  FaultSource,
  Graph,
  LoaderEvent,
  ModuleDetail,
  ModuleState,
  ModuleSummary,
  OpResult,
  ProviderInfo,
  UserInfo,
  UserKind,
  WhyChain,
} from './types.js';

/** Every operation accepts these. */
export interface OpOptions {
  /** The request id (or other cause) that events of this op carry as `cause`. */
  cause?: string | undefined;
  /** Compute and return the exact plan without changing anything. */
  dryRun?: boolean | undefined;
}

export interface UnloadOptions extends OpOptions {
  /** Firm unload (SPEC 6.5). */
  force?: boolean | undefined;
  /** Firm unload: how long the answer waits for pending users to go (default 0). */
  timeoutMs?: number | undefined;
}

export interface AddUserRequest extends OpOptions {
  holder: string;
  cancellable?: boolean | undefined;
}

/** What a rescan of the module directory found (built by the host, applied by the core). */
export interface ScanResult {
  /** Valid manifests. */
  manifests: Manifest[];
  /** The checksum of each binary now on disk, in the manifest's algorithm (null: no binary). */
  binaries: Map<string, string | null>;
}

export interface RescanSummary {
  added: string[];
  changed: string[];
  removed: string[];
  /** Running modules whose binary changed on disk. */
  stale: string[];
}

/** The record of one operation, in the order the loader carried them out. */
export interface OpLogEntry {
  op: string;
  kind: 'load' | 'unload' | 'reload' | 'add_user' | 'release_user' | 'startup' | 'shutdown' | 'rescan' | 'set_policy' | 'fault';
  /** The module or user id it was about. */
  target?: string | undefined;
  args: Record<string, unknown>;
  cause?: string | undefined;
  ok: boolean;
  /** The error code when `ok` is false (`internal` for a non-loader error). */
  code?: string | undefined;
  started: string;
  duration_ms: number;
}

export interface LoaderApi {
  // ---- events
  /** Subscribes to every event; returns the unsubscribe function. Listeners must not throw. */
  subscribe(listener: EventListener): () => void;
  /** The seq the next event will get. */
  readonly nextSeq: number;
  /**
   * Subscribes to finished operations: each is reported once, as its op log entry, when it
   * ends (successfully or not). For metrics and op logs; listeners must not throw.
   */
  subscribeOperations(listener: (entry: OpLogEntry) => void): () => void;

  // ---- reads
  list(filter?: { like?: string; state?: ModuleState }): ModuleSummary[];
  /** Throws `unknown_module`. */
  get(name: string): ModuleDetail;
  has(name: string): boolean;
  users(filter?: { kind?: UserKind; holder?: string; module?: string }): UserInfo[];
  providers(filter?: { type?: string; name?: string }): ProviderInfo[];
  graph(): Graph;
  /** Throws `unknown_module`. */
  why(name: string): WhyChain[];
  manifests(): Manifest[];
  /** Throws `unknown_module`. */
  manifest(name: string): Manifest;
  policy(): Policy;
  /** The operations carried out so far (bounded history, oldest first). */
  opLog(): OpLogEntry[];
  /** The implementation registered for the best provider of type=name (for tests and actions). */
  provider<T = unknown>(type: string, name: string): T | undefined;

  // ---- operations
  /** Makes the admin (or `holder`) a user of `name`, loading it and its dependencies. */
  load(name: string, options?: OpOptions): Promise<OpResult>;
  unload(name: string, options?: UnloadOptions): Promise<OpResult>;
  reload(name: string, options?: OpOptions): Promise<OpResult>;
  /** Adds an `external` hold on a running module (loading it if needed). */
  addUser(name: string, request: AddUserRequest): Promise<OpResult>;
  /** Throws `user_not_found`. */
  releaseUser(id: string, options?: OpOptions): Promise<OpResult>;
  /** SPEC 6.11: require, then preload, then load/autoload. Throws on a failed require. */
  startup(options?: OpOptions): Promise<OpResult>;
  /** Unloads everything in reverse load order. */
  shutdown(options?: OpOptions): Promise<OpResult>;
  /** Hot install: applies a new scan of the module directory. */
  rescan(scan: ScanResult, options?: OpOptions): Promise<OpResult & { rescan: RescanSummary }>;
  /** Config reload: applies a new policy; re-checks what is still needed (SPEC 6.12). */
  setPolicy(policy: Policy, options?: OpOptions): Promise<OpResult>;
  /**
   * Charges a fault to a module (SPEC 6.16): event `module_fault`, then the module is
   * firm-unloaded with its dependents and ends `failed` with the error as its reason. A module
   * that is not running only gets the event and the reason. Throws `unknown_module`.
   */
  fault(name: string, error: unknown, options?: OpOptions & { source?: FaultSource }): Promise<OpResult>;
}

export type { LoaderEvent };
