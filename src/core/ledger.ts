/**
 * The user ledger: who holds what. Every user record is added and released here, which keeps
 * each module's users, its strong-user count and its holder's `holds` in step, streams
 * `user_add`/`user_release`, and notes running modules left without a strong user (orphans)
 * for the operation's settle to stop. While an operation runs, the users it adds are also
 * journaled, so a failed operation can give back exactly what it took.
 */
import type { Emitter } from './core.js';
import type { EventContext } from './event-bus.js';
import { userInfo, type ModuleEntry, type UserRecord } from './model.js';

/** What a new user needs; the ledger stamps the id and the time. */
export type NewUser = Omit<UserRecord, 'id' | 'sinceMs' | 'weak'> & { weak?: boolean };

export class UserLedger {
  private readonly byId = new Map<string, UserRecord>();
  private counter = 0;
  /** Running modules whose last strong user went; the next settle decides whether they stop. */
  readonly orphans = new Set<ModuleEntry>();
  /** For an orphan, the module whose release of its last strong user orphaned it. */
  readonly orphanedBy = new Map<ModuleEntry, string>();
  /** Users added while the journal is open, oldest first. */
  private journal: UserRecord[] | null = null;
  /** How many users were ever added: a settle re-plans when this moves under it. */
  private adds = 0;

  constructor(
    private readonly modules: { get(name: string): ModuleEntry | undefined },
    private readonly emit: Emitter,
    private readonly now: () => number,
    /** Appended to every id (`-<bootId>`), so ids never repeat across restarts. */
    private readonly idSuffix: string,
  ) {}

  get(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  values(): IterableIterator<UserRecord> {
    return this.byId.values();
  }

  get addCount(): number {
    return this.adds;
  }

  /** Adds a user of `fields.module` (which must exist) and, if it has an owner, to its holds. */
  add(fields: NewUser, context: EventContext | null): UserRecord {
    const held = this.modules.get(fields.module)!;
    // One literal with every field, so all user records share one hidden class.
    const user: UserRecord = {
      id: `u${++this.counter}${this.idSuffix}`,
      kind: fields.kind,
      holder: fields.holder,
      module: fields.module,
      owner: fields.owner,
      cancellable: fields.cancellable,
      origin: fields.origin,
      reason: fields.reason,
      sinceMs: this.now(),
      weak: fields.weak ?? false,
      dispose: fields.dispose,
    };
    held.users.set(user.id, user);
    if (!user.weak) {
      held.strong += 1;
      this.orphans.delete(held);
    }
    if (user.owner !== undefined && user.owner !== held.name) this.modules.get(user.owner)?.holds.add(user.id);
    this.byId.set(user.id, user);
    this.adds += 1;
    this.journal?.push(user);
    this.emit('user_add', user.module, context, { user: userInfo(user) });
    return user;
  }

  /** Removes a user; a running module left without strong users becomes an orphan. */
  release(user: UserRecord, context: EventContext | null): void {
    if (!this.byId.delete(user.id)) return;
    const held = this.modules.get(user.module);
    if (held) {
      held.users.delete(user.id);
      if (!user.weak) {
        held.strong -= 1;
        if (held.strong === 0 && held.state === 'running') {
          this.orphans.add(held);
          if (user.owner !== undefined && user.owner !== held.name) this.orphanedBy.set(held, user.owner);
        }
      }
    }
    if (user.owner !== undefined) this.modules.get(user.owner)?.holds.delete(user.id);
    this.emit('user_release', user.module, context, { user: userInfo(user) });
  }

  /** Notes a running module that may have no strong user (e.g. started, then nobody bound it). */
  suspect(entry: ModuleEntry): void {
    if (entry.state === 'running' && entry.strong === 0) this.orphans.add(entry);
  }

  /** The admin's user of `entry`, if any (the admin holds at most one per module). */
  adminOf(entry: ModuleEntry): UserRecord | undefined {
    for (const user of entry.users.values()) if (user.kind === 'admin') return user;
    return undefined;
  }

  /** The users `entry` holds on other modules. */
  holdsOf(entry: ModuleEntry): UserRecord[] {
    const out: UserRecord[] = [];
    for (const id of entry.holds) {
      const user = this.byId.get(id);
      if (user) out.push(user);
    }
    return out;
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
