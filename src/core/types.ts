/**
 * The loader core's public vocabulary: module states, users, plans, results, events, the
 * module runtime contract (`ctx`, SPEC 7) and the host interface through which the core
 * reaches the world. Everything here is plain data or an interface; no I/O.
 */
import type { Manifest, Ref } from './manifest.js';
import type { Origin } from './policy.js';

// ---------------------------------------------------------------------------------------------
// States

/** SPEC 9. One explicit state per module; see `state.ts` for the transition table. */
export const MODULE_STATES = [
  'available',
  'loading',
  'running',
  'unloading',
  'stopped',
  'failed',
  'declined',
] as const;
export type ModuleState = (typeof MODULE_STATES)[number];

// ---------------------------------------------------------------------------------------------
// Users

export const USER_KINDS = ['admin', 'module', 'dialplan', 'config', 'channel', 'external'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/** A user record as reads return it (no callbacks). */
export interface UserInfo {
  id: string;
  kind: UserKind;
  /** Who holds it: `admin`, the dependent module's name, `dialplan:ctx,exten,prio`, … */
  holder: string;
  /** The module being held. */
  module: string;
  /**
   * For `module`, `dialplan` and `config` users: the module on whose behalf the user exists
   * (the dependent); disposing the user firm-unloads it. For `channel`: the module that made it.
   */
  owner?: string | undefined;
  /** For `external` holds: released at once by a firm unload. */
  cancellable?: boolean | undefined;
  /**
   * A `module` user taken with `ctx.use` on something the holder only lists in `[canuse]`
   * (SPEC 6.9): it never keeps the module running on its own and is not a chain in `why`.
   */
  weak?: boolean | undefined;
  /** Where the reference was declared, when it comes from a file. */
  origin?: Origin | undefined;
  /** Free text: why this user exists (e.g. `modules.conf load`, `require`, `autoload`, `rest`). */
  reason?: string | undefined;
  /** ISO time the user was added. */
  since: string;
}

// ---------------------------------------------------------------------------------------------
// Plans and results

export const PLAN_ACTIONS = [
  'load', // import the lib (if needed) and run load()
  'unload', // stop the instance (the named module of an unload)
  'cascade_unload', // stop because a neighbour went (direction tells which)
  'add_user',
  'release_user',
  'dispose_request', // ask a non-cancellable holder to let go
  'dispose', // run a user's dispose callback
  'reload',
  'declined', // a provider declined to load; the plan moved on to the next best (SPEC 6.1)
  'load_failed', // a provider failed to load; the plan moved on to the next best (SPEC 6.1)
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export interface PlanStep {
  module: string;
  action: PlanAction;
  /** For user steps: the user's kind and holder, and whether it is a weak hold (SPEC 6.9). */
  user?: { id?: string | undefined; kind: UserKind; holder: string; weak?: boolean | undefined } | undefined;
  direction?: 'dependents' | 'dependencies' | undefined;
  /** For `declined` and `load_failed` steps: why. */
  reason?: string | undefined;
}

export interface OpResult {
  /** The operation id, also carried by every event the operation caused. */
  op: string;
  plan: PlanStep[];
  dry_run: boolean;
  /** The resulting state of the named module (absent for ops without one, e.g. startup). */
  state?: ModuleState | undefined;
  /** Users still holding the named module after the operation (soft unload lists them). */
  users?: UserInfo[] | undefined;
  /** Firm unload: users that have been asked to go and have not yet (SPEC 6.5). */
  pending?: UserInfo[] | undefined;
  /** For addUser: the user made. */
  user?: UserInfo | undefined;
  /** Startup and config reload: loads that failed without failing the whole operation. */
  failures?: Array<{ module: string; code: string; message: string }> | undefined;
  /** Startup and config reload: policy lines that name no module, with file and line. */
  warnings?: Array<{ file: string; line: number; message: string }> | undefined;
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface ModuleSummary {
  name: string;
  description: string | null;
  support_level: string | null;
  state: ModuleState;
  use_count: number;
  lib_loaded: boolean;
  blocked: boolean;
  /** It runs an older binary than the one on disk now (SPEC 6.10): unload and load it to upgrade. */
  stale: boolean;
}

export interface DependencyInfo {
  type: string;
  name: string;
  /** The module it resolves (or, for a running module, was bound) to; null when unresolved. */
  provider: string | null;
  /** Where the dependency was declared: `manifest`, or a config file and line. */
  origin: Origin | { file: 'manifest'; line?: undefined };
  user_kind: UserKind;
}

export interface ModuleDetail extends ModuleSummary {
  manifest: Manifest;
  users: UserInfo[];
  dependencies: DependencyInfo[];
  /** Modules that hold a user of this one. */
  dependents: string[];
  /** What the module provides: from its manifest, and live registrations while it runs. */
  provides: Array<{ type: string; name: string; priority: number; registered: boolean }>;
  /** The binary on disk matches the manifest checksum (null when not yet verified). */
  checksum_ok: boolean | null;
  /** Firm-unload requests not yet satisfied. */
  pending: UserInfo[];
  /** Why the last load failed or was declined. */
  reason: string | null;
}

export interface ProviderInfo {
  type: string;
  name: string;
  module: string;
  priority: number;
  /** The best candidate for `type=name` (what a `uses` resolves to now). */
  active: boolean;
  /** The provider is registered at run time by the running module (ctx.register). */
  registered: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  type: string;
  name: string;
  kind: 'uses' | 'canuse';
  user_kind: UserKind;
}

export interface Graph {
  nodes: Array<{ name: string; state: ModuleState; stale: boolean }>;
  edges: GraphEdge[];
}

/** One step of a "why" chain, from the root down to the module asked about. */
export interface WhyStep {
  module: string;
  user: UserInfo;
}

/** SPEC 6.12: each chain starts at a root user (admin, require, dialplan, external, channel). */
export interface WhyChain {
  root: UserInfo;
  /** Modules from the root's module down to the one asked about, inclusive. */
  path: string[];
}

// ---------------------------------------------------------------------------------------------
// Events (SPEC 10)

export const EVENT_NAMES = [
  'loading',
  'load',
  'load_failed',
  'declined',
  'unloading',
  'unload',
  'cascade_unload',
  'block_unload',
  'lib_release',
  'user_add',
  'user_release',
  'dispose_request',
  'canuse',
  'provider_register',
  'provider_unregister',
  'reload',
  'manifest_add',
  'manifest_change',
  'manifest_remove',
  'checksum_mismatch',
  'dependency_cycle',
  'neverload_refused',
  'dialplan_unresolved',
  'module_fault',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Fields every event carries. */
export interface EventBase {
  /** Strictly increasing, without gaps, per loader. */
  seq: number;
  /** ISO 8601. */
  time: string;
  event: EventName;
  module?: string | undefined;
  /** The operation that caused it. */
  op?: string | undefined;
  /** The request id that started the operation, or the module whose unload cascaded. */
  cause?: string | undefined;
}

/** Event-specific fields, by event name. */
export interface EventFields {
  loading: Record<never, never>;
  load: { state: ModuleState };
  load_failed: { reason: string; outcome: 'failure' | 'throw' | 'timeout' | 'checksum_mismatch' | 'import' };
  declined: { reason: string };
  unloading: Record<never, never>;
  unload: { state: ModuleState };
  cascade_unload: { direction: 'dependents' | 'dependencies' };
  block_unload: Record<never, never>;
  lib_release: Record<never, never>;
  user_add: { user: UserInfo };
  user_release: { user: UserInfo };
  dispose_request: { user: UserInfo };
  canuse: { used: string };
  provider_register: { type: string; name: string; priority: number };
  provider_unregister: { type: string; name: string; priority: number };
  reload: { result: 'success' | 'failure'; reason?: string | undefined };
  manifest_add: Record<never, never>;
  manifest_change: { stale: boolean };
  manifest_remove: Record<never, never>;
  checksum_mismatch: { expected: string; actual: string };
  dependency_cycle: { cycle: string[] };
  neverload_refused: { origin?: Origin | undefined; needed_by?: string | undefined };
  dialplan_unresolved: { app: string; holder: string; origin: Origin };
  module_fault: { error: string; source: FaultSource };
}

/**
 * How a module's fault was caught (SPEC 6.16): an uncaught exception or an unhandled rejection
 * in its code, a call of `process.exit`, or a synchronous runaway seen by the watchdog.
 */
export const FAULT_SOURCES = ['exception', 'rejection', 'exit', 'runaway'] as const;
export type FaultSource = (typeof FAULT_SOURCES)[number];

export type LoaderEvent = {
  [K in EventName]: EventBase & { event: K } & EventFields[K];
}[EventName];

export type EventListener = (event: LoaderEvent) => void;

// ---------------------------------------------------------------------------------------------
// Module runtime (SPEC 7)

export type LoadOutcome = 'success' | 'decline' | 'failure';

/** A logger handed to modules (a pino child in the service; anything with these methods). */
export interface ModuleLog {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** A user a module made with `ctx.addUser` (e.g. a channel). */
export interface UserHandle {
  readonly id: string;
  /** Releases the user; the held module stops if this was its last user. */
  release(): Promise<void>;
}

export interface AddUserOptions {
  /** Default `channel`. Only `channel` and `external` may be made by modules. */
  kind?: 'channel' | 'external';
  holder: string;
  /** Called when a firm unload asks this user to go; it should end and call `release()`. */
  dispose?: () => void | Promise<void>;
  /** The module to hold; default the calling module itself. Must be running. */
  module?: string;
}

/** What `load(ctx)` and the other hooks receive. */
export interface ModuleContext {
  readonly name: string;
  readonly manifest: Manifest;
  /** Registers a provider in the API registry; withdrawn automatically at stop. */
  register(type: string, name: string, impl: unknown, options?: { priority?: number }): void;
  /**
   * The implementation of the best registered provider of `type=name`, making this module a
   * user of the provider's module (released at stop). Throws when there is none.
   */
  use<T = unknown>(type: string, name: string): T;
  addUser(options: AddUserOptions): UserHandle;
  /** Keep the lib loaded after the instance stops (SPEC 6.7). */
  blockUnload(): void;
  /** A config file from the config directory, parsed in the Asterisk dialect; null if absent. */
  config(file: string): Promise<ConfigFile | null>;
  readonly log: ModuleLog;
  /** Aborted when the instance stops. */
  readonly signal: AbortSignal;
  setTimeout(fn: () => void, ms: number): unknown;
  setInterval(fn: () => void, ms: number): unknown;
}

/** A parsed Asterisk-dialect config file (see `src/conf/`). */
export interface ConfigFile {
  file: string;
  sections: Array<{
    name: string;
    line: number;
    entries: Array<{ key: string; value: string; line: number; arrow: boolean }>;
  }>;
}

/** A module's exports. */
export interface ModuleExports {
  load(ctx: ModuleContext): LoadOutcome | void | Promise<LoadOutcome | void>;
  unload?(ctx: ModuleContext): void | Promise<void>;
  reload?(ctx: ModuleContext): void | Promise<void>;
  onCanuse?(ctx: ModuleContext, name: string): void | Promise<void>;
  /**
   * A module this one only lists in `[canuse]` (and took with `ctx.use`) is about to stop
   * because nothing else needs it: the hold is released right after this returns (SPEC 6.9).
   */
  onCanuseGone?(ctx: ModuleContext, name: string): void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Host

/**
 * What the core needs from the world. The service's implementation (`src/host/`) reads the
 * module directory; tests may provide an in-memory one.
 */
export interface LoaderHost {
  /** Hex digest of the module's binary as it is on disk now. Throws when there is none. */
  checksum(name: string, algorithm: 'md5' | 'sha256'): Promise<string>;
  /** Imports the module's code fresh (never a cached copy of an older binary). */
  importLib(name: string): Promise<ModuleExports>;
  /** Reads and parses a config file of the config directory; null when absent. */
  readConfig(file: string): Promise<ConfigFile | null>;
  /** A logger for the module's own messages. */
  moduleLog(name: string): ModuleLog;
  /** Milliseconds since the epoch. */
  now(): number;
}

export type { Manifest, Ref };
