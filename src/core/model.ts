/**
 * The loader's records: one {@link ModuleEntry} per module, one {@link UserRecord} per user.
 * Only the core mutates them, inside an operation (or, for the few atomic additions a running
 * module makes through its ctx, synchronously). Which fields must be set in each state is
 * stated and checked in `state.ts`.
 */
import type { Manifest } from './manifest.js';
import type { Origin } from './policy.js';
import type { ModuleContext, ModuleExports, ModuleState, UserInfo, UserKind } from './types.js';

/**
 * A user record: the public {@link UserInfo} plus what only the core may see. `since` is kept
 * as epoch milliseconds (formatted by {@link userInfo}).
 */
export interface UserRecord extends Omit<UserInfo, 'since' | 'weak'> {
  sinceMs: number;
  /** A weak hold (SPEC 6.9): never keeps its module running on its own. */
  weak: boolean;
  /** Called by a firm unload; should end the use and release the user. */
  dispose?: (() => void | Promise<void>) | undefined;
}

/** Where a dependency was declared: a config file and line, or the manifest. */
export type DeclaredIn = Origin | { file: 'manifest'; line?: undefined };

/** A dependency as declared (manifest, modules.conf [uses], extconfig.conf, extensions.conf). */
export interface DeclaredDependency {
  type: string;
  name: string;
  origin: DeclaredIn;
  /** The kind of user the dependent's reference will be. */
  userKind: Extract<UserKind, 'module' | 'config' | 'dialplan'>;
  /** The user's holder: the dependent's name, `modules.conf:12`, `dialplan:ctx,exten,prio`. */
  holder: string;
  /** Dialplan applications that nothing provides are reported, not fatal (SPEC 5). */
  optional: boolean;
  /**
   * What the declaration means, without where it stands (SPEC 6.15): kind, file, holder for
   * dialplan steps, type and name. A config reload keeps a bound dependency whose identity is
   * still declared, whatever line it moved to.
   */
  identity: string;
}

/** A declared dependency bound to the provider it resolved to when the dependent loaded. */
export interface BoundDependency {
  /** The declaration (shared with the memoized declarations; not copied per bind). */
  dep: DeclaredDependency;
  provider: string;
  /** The user the dependent holds on the provider for it. */
  userId: string;
}

/** A runtime registration in the API registry (ctx.register). */
export interface Registration {
  type: string;
  name: string;
  priority: number;
  module: string;
  impl: unknown;
}

/** The running instance of a module (SPEC 2 "instance"). */
export interface Instance {
  /** Made when the module first reads ctx.signal. */
  abort: AbortController | null;
  /** Made when the module first sets a timer. */
  timers: Set<ReturnType<typeof setTimeout>> | null;
  intervals: Set<ReturnType<typeof setInterval>> | null;
  readonly registrations: Registration[];
  /** False once the instance is stopped or its load failed; the ctx then refuses to act. */
  alive: boolean;
  /** The ctx handed to the module's hooks. */
  ctx?: ModuleContext | undefined;
}

export interface ModuleEntry {
  readonly name: string;
  /** Dense id, unique within the loader: index of the planner's side tables. */
  readonly id: number;
  /** The manifest now on disk (a rescan may replace it while the module runs). */
  manifest: Manifest;
  /** The manifest the running instance was loaded with. */
  loadedManifest: Manifest | null;
  /** Checksum of the binary on disk at the last scan (null: no binary; undefined: unknown). */
  diskChecksum: string | null | undefined;
  state: ModuleState;
  /** Why the last load failed or was declined, or the fault charged to it. */
  reason: string | null;
  lib: ModuleExports | null;
  /** The manifest checksum the imported lib was verified against. */
  libChecksum: string | null;
  /** ctx.blockUnload() was called: the lib stays loaded after stop (SPEC 6.7). */
  blocked: boolean;
  instance: Instance | null;
  /** Users holding this module, by id, in the order they were added. */
  readonly users: Map<string, UserRecord>;
  /** How many of `users` are strong: the module runs while this is above zero. */
  strong: number;
  /** Users this module holds on others, by id (its dependencies, ctx.use, ctx.addUser). */
  readonly holds: Set<string>;
  /** Dependencies bound at load (stable providers, SPEC 6.13); null while not running. */
  bound: BoundDependency[] | null;
  /** Position in the global load sequence; the unload tie-break is reverse load order. */
  loadSeq: number;
  /** A firm unload asked everything above it to go and waits (SPEC 6.5). */
  firm: boolean;
  /** The module is being stopped: its registrations serve no new `ctx.use`. */
  going: boolean;
  /** A fault was charged to the running module (SPEC 6.16): it ends `failed` when it stops. */
  faulted: boolean;
  /** The manifest disappeared while the module ran; the entry goes when it stops. */
  removed: boolean;
  /** Position by (load_priority, name) among all modules: the load-order tie-break (6.6). */
  rank: number;
}

export function newEntry(id: number, manifest: Manifest, diskChecksum: string | null | undefined): ModuleEntry {
  return {
    name: manifest.name,
    id,
    manifest,
    loadedManifest: null,
    diskChecksum,
    state: 'available',
    reason: null,
    lib: null,
    libChecksum: null,
    blocked: false,
    instance: null,
    users: new Map(),
    strong: 0,
    holds: new Set(),
    bound: null,
    loadSeq: 0,
    firm: false,
    going: false,
    faulted: false,
    removed: false,
    rank: 0,
  };
}

/** Users that belong to another module (its dependencies): disposed by firm-unloading it. */
export function isOwnedKind(kind: UserKind): kind is 'module' | 'config' | 'dialplan' {
  return kind === 'module' || kind === 'config' || kind === 'dialplan';
}

/** The public view of a user record (without its callback). */
export function userInfo(user: UserRecord): UserInfo {
  return {
    id: user.id,
    kind: user.kind,
    holder: user.holder,
    module: user.module,
    ...(user.owner !== undefined ? { owner: user.owner } : {}),
    ...(user.cancellable !== undefined ? { cancellable: user.cancellable } : {}),
    ...(user.weak ? { weak: true } : {}),
    ...(user.origin !== undefined ? { origin: user.origin } : {}),
    ...(user.reason !== undefined ? { reason: user.reason } : {}),
    since: isoTime(user.sinceMs),
  };
}

/** The `{id, kind, holder}` a plan step shows of a user. */
export function stepUser(user: UserRecord): { id: string; kind: UserKind; holder: string } {
  return { id: user.id, kind: user.kind, holder: user.holder };
}

let lastMs = Number.NaN;
let lastIso = '';

/** Epoch milliseconds as ISO 8601; users made in the same millisecond share one string. */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
