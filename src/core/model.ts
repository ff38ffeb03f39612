/**
 * The loader's records: one {@link ModuleEntry} per module, one {@link UserRecord} per user.
 * Only the core mutates them, inside an operation (or, for the few atomic additions a running
 * module makes through its ctx, synchronously). Which fields must be set in each state is
 * stated and checked in `state.ts`.
 */
import type { Manifest, Ref } from './manifest.js';
import type { Origin } from './policy.js';
import type { ModuleContext, ModuleExports, ModuleState, UserInfo, UserKind } from './types.js';

/** What every user record of one loader shares: its id suffix and the epoch of `since`. */
export interface UserStamp {
  /** `-<bootId>`, or empty. */
  readonly idSuffix: string;
  /** Epoch milliseconds `since` counts from (small offsets stay small integers). */
  readonly epochMs: number;
}

/**
 * A user record: the public {@link UserInfo} plus what only the core may see. The id is a
 * number here and formatted on demand (`u12`, or `u12-<bootId>`); `since` is kept as an
 * offset from the loader's epoch; a dependency's reason and origin are read from its declaration.
 */
export class UserRecord {
  constructor(
    /** The number in the id: unique within the loader. */
    readonly n: number,
    private readonly stamp: UserStamp,
    readonly kind: UserKind,
    /** Who holds it: `admin`, the dependent module's name, `dialplan:ctx,exten,prio`, … */
    public holder: string,
    /** The module being held. */
    readonly module: string,
    /** The dependent (module, config, dialplan users) or the module that made it (channel). */
    readonly owner: string | undefined,
    /** For `external` holds: released at once by a firm unload. */
    readonly cancellable: boolean | undefined,
    /** Free text: why this user exists (a dependency's is derived from `dep`). */
    readonly reason: string | undefined,
    /** For a dependency's user: the (first) declaration it holds for. */
    public dep: DeclaredDependency | undefined,
    /** Milliseconds from the stamp's epoch to when the user was added. */
    private readonly sinceOffset: number,
    /** A weak hold (SPEC 6.9): never keeps its module running on its own. */
    readonly weak: boolean,
    /** Called by a firm unload; should end the use and release the user. */
    readonly dispose: (() => void | Promise<void>) | undefined,
  ) {}

  get id(): string {
    return `u${this.n}${this.stamp.idSuffix}`;
  }

  /** Epoch milliseconds when the user was added. */
  get sinceMs(): number {
    return this.stamp.epochMs + this.sinceOffset;
  }
}

/** Where a dependency was declared: a config file and line, or the manifest. */
export type DeclaredIn = Origin | { file: 'manifest'; line?: undefined };

/**
 * A dependency as declared. A manifest `[uses]` line is the manifest's own {@link Ref}, with
 * none of the optional fields: planning a module that only has manifest dependencies allocates
 * nothing per dependency. Admin-declared ones (modules.conf [uses], extconfig.conf, the
 * dialplan) say where they stand and what user they make.
 */
export interface DeclaredDependency extends Ref {
  /** The config file and line (absent: the manifest). */
  origin?: Origin | undefined;
  /** The kind of user the dependent's reference will be (absent: `module`). */
  userKind?: 'config' | 'dialplan' | undefined;
  /** The user's holder: `modules.conf:12`, `dialplan:ctx,exten,prio` (absent: the dependent). */
  holder?: string | undefined;
  /** Dialplan applications that nothing provides are reported, not fatal (SPEC 5). */
  optional?: boolean | undefined;
}

const MANIFEST: DeclaredIn = Object.freeze({ file: 'manifest' as const });

export function userKindOf(dep: DeclaredDependency): 'module' | 'config' | 'dialplan' {
  return dep.userKind ?? 'module';
}

export function holderOf(dep: DeclaredDependency, dependent: string): string {
  return dep.holder ?? dependent;
}

export function declaredIn(dep: DeclaredDependency): DeclaredIn {
  return dep.origin ?? MANIFEST;
}

/**
 * What a declaration means, without where it stands (SPEC 6.15): kind, file, the dialplan
 * step's holder, type and name. A config reload keeps a bound dependency whose identity is
 * still declared, whatever line it moved to.
 */
export function identityOf(dep: DeclaredDependency): string {
  const file = dep.origin ? dep.origin.file.slice(dep.origin.file.lastIndexOf('/') + 1) : 'manifest';
  const step = dep.userKind === 'dialplan' ? dep.holder : '';
  return `${userKindOf(dep)}\u0000${file}\u0000${step}\u0000${dep.type}\u0000${dep.name}`;
}

/**
 * The dependencies a running module was bound to (stable providers, SPEC 6.13): parallel
 * arrays, the first two shared with the planner's resolutions (read only).
 */
export interface Binding {
  deps: readonly DeclaredDependency[];
  /** The provider of each (null: a dialplan application nothing provided). */
  providers: ReadonlyArray<ModuleEntry | null>;
  /** The user held for each (one user per provider, kind and holder). */
  users: Array<UserRecord | null>;
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
  /** Users holding this module, in the order they were added. */
  readonly users: Set<UserRecord>;
  /** How many of `users` are strong: the module runs while this is above zero. */
  strong: number;
  /** Users this module holds on others (its dependencies, ctx.use, ctx.addUser). */
  readonly holds: UserRecord[];
  /** Dependencies bound at load (stable providers, SPEC 6.13); null while not running. */
  bound: Binding | null;
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
    users: new Set(),
    strong: 0,
    holds: [],
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
    ...(user.dep?.origin !== undefined ? { origin: user.dep.origin } : {}),
    ...(user.reason !== undefined ? { reason: user.reason } : user.dep ? { reason: `${user.dep.type}=${user.dep.name}` } : {}),
    since: isoTime(user.sinceMs),
  };
}

/** The `{id, kind, holder}` a plan step shows of a user. */
export function stepUser(user: UserRecord): { id: string; kind: UserKind; holder: string; weak?: true } {
  return user.weak ? { id: user.id, kind: user.kind, holder: user.holder, weak: true } : { id: user.id, kind: user.kind, holder: user.holder };
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
