/**
 * The user ledger: who holds what. Every user record is added and released here, which keeps
 * each module's users, its strong-user count and its holder's `holds` in step, streams
 * `user_add`/`user_release`, and notes running modules left without a strong user (orphans)
 * for the operation's settle to stop. While an operation runs, the users it adds are also
 * journaled, so a failed operation can give back exactly what it took. Users live in their
 * modules' sets; only root users (admin, external, channel: the ones released by id) are also
 * indexed by number.
 */
import type { Emitter } from './core.js';
import type { EventContext } from './event-bus.js';
import { isOwnedKind, UserRecord, userInfo, type DeclaredDependency, type ModuleEntry, type UserStamp } from './model.js';
import type { UserKind } from './types.js';

/** What a new user needs; the ledger stamps the id and the time. */
export interface NewUser {
  kind: UserKind;
  holder: string;
  module: string;
  owner?: string | undefined;
  cancellable?: boolean | undefined;
  reason?: string | undefined;
  dep?: DeclaredDependency | undefined;
  weak?: boolean | undefined;
  dispose?: (() => void | Promise<void>) | undefined;
}

const ID = /^u(\d{1,15})(-.*)?$/;

export class UserLedger {
  /** Root users by number: the ones a request may release by id. */
  private readonly roots = new Map<number, UserRecord>();
  private counter = 0;
  /** Running modules whose last strong user went; the next settle decides whether they stop. */
  readonly orphans = new Set<ModuleEntry>();
  /** For an orphan, the module whose release of its last strong user orphaned it. */
  readonly orphanedBy = new Map<ModuleEntry, string>();
  /** Users added while the journal is open, oldest first. */
  private journal: UserRecord[] | null = null;
  /** How many users were ever added: a settle re-plans when this moves under it. */
  private adds = 0;
  private readonly stamp: UserStamp;

  constructor(
    private readonly modules: { get(name: string): ModuleEntry | undefined; values(): IterableIterator<ModuleEntry> },
    private readonly emit: Emitter,
    private readonly now: () => number,
    /** Appended to every id (`-<bootId>`), so ids never repeat across restarts. */
    private readonly idSuffix: string,
  ) {
    this.stamp = { idSuffix, epochMs: now() };
  }

  /** The user with this id, if it is held now. */
  get(id: string): UserRecord | undefined {
    const match = ID.exec(id);
    if (!match || (match[2] ?? '') !== this.idSuffix) return undefined;
    const n = Number(match[1]);
    const root = this.roots.get(n);
    if (root) return root;
    for (const entry of this.modules.values()) for (const user of entry.users) if (user.n === n) return user;
    return undefined;
  }

  /** Whether `user` is still held. */
  has(user: UserRecord): boolean {
    return this.modules.get(user.module)?.users.has(user) ?? false;
  }

  /** Every user held now, oldest first. */
  values(): UserRecord[] {
    const all: UserRecord[] = [];
    for (const entry of this.modules.values()) for (const user of entry.users) all.push(user);
    return all.sort((a, b) => a.n - b.n);
  }

  get addCount(): number {
    return this.adds;
  }

  /** Adds a user of `fields.module` (which must exist) and, if it has an owner, to its holds. */
  add(fields: NewUser, context: EventContext | null): UserRecord {
    const held = this.modules.get(fields.module)!;
    const user = new UserRecord(
      ++this.counter,
      this.stamp,
      fields.kind,
      fields.holder,
      fields.module,
      fields.owner,
      fields.cancellable,
      fields.reason,
      fields.dep,
      this.now() - this.stamp.epochMs,
      fields.weak ?? false,
      fields.dispose,
    );
    held.users.add(user);
    if (!user.weak) {
      held.strong += 1;
      this.orphans.delete(held);
    }
    if (user.owner !== undefined && user.owner !== held.name) this.modules.get(user.owner)?.holds.push(user);
    if (!isOwnedKind(user.kind)) this.roots.set(user.n, user);
    this.adds += 1;
    this.journal?.push(user);
    this.emit('user_add', user.module, context, { user: userInfo(user) });
    return user;
  }

  /** Removes a user; a running module left without strong users becomes an orphan. */
  release(user: UserRecord, context: EventContext | null): void {
    const held = this.modules.get(user.module);
    if (!held?.users.delete(user)) return;
    this.roots.delete(user.n);
    if (!user.weak) {
      held.strong -= 1;
      if (held.strong === 0 && held.state === 'running') {
        this.orphans.add(held);
        if (user.owner !== undefined && user.owner !== held.name) this.orphanedBy.set(held, user.owner);
      }
    }
    if (user.owner !== undefined && user.owner !== user.module) {
      const holds = this.modules.get(user.owner)?.holds;
      const at = holds?.lastIndexOf(user) ?? -1;
      if (at >= 0) holds!.splice(at, 1);
    }
    this.emit('user_release', user.module, context, { user: userInfo(user) });
  }

  /** Releases every user `entry` holds on other modules, latest first. */
  releaseHolds(entry: ModuleEntry, context: EventContext | null): void {
    for (let i = entry.holds.length - 1; i >= 0; i = Math.min(i - 1, entry.holds.length - 1)) {
      const user = entry.holds[i];
      if (user) this.release(user, context);
    }
  }

  /** Notes a running module that may have no strong user (e.g. started, then nobody bound it). */
  suspect(entry: ModuleEntry): void {
    if (entry.state === 'running' && entry.strong === 0) this.orphans.add(entry);
  }

  /** The admin's user of `entry`, if any (the admin holds at most one per module). */
  adminOf(entry: ModuleEntry): UserRecord | undefined {
    for (const user of entry.users) if (user.kind === 'admin') return user;
    return undefined;
  }

  /** Starts journaling added users (one journal at a time: operations are serialized). */
  openJournal(): void {
    this.journal = [];
  }

  /** Stops journaling and returns what was added meanwhile, oldest first. */
  closeJournal(): UserRecord[] {
    const added = this.journal ?? [];
    this.journal = null;
    return added;
  }

  /** What has been journaled so far in the open journal. */
  journaled(): readonly UserRecord[] {
    return this.journal ?? [];
  }
}
