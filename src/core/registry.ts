/**
 * The API registry (the proposal's `main/api_registry.c`): providers registered at run time by
 * running modules (`ctx.register`), best first per `type=name`, withdrawn when their module
 * stops. `ctx.use` asks it for the best usable provider. While an operation runs, additions are
 * journaled so a failed operation can withdraw what it made other modules register.
 */
import type { Emitter } from './core.js';
import type { EventContext } from './event-bus.js';
import type { ModuleEntry, Registration } from './model.js';
import { providerKey, splitProviderKey, TYPE_PATTERN } from './names.js';

export class ApiRegistry {
  /** `type\0name` -> registrations, best first (highest priority, then module name). */
  private readonly byKey = new Map<string, Registration[]>();
  private journal: Registration[] | null = null;

  constructor(private readonly emit: Emitter) {}

  /** Registers `type=name` for the running (or loading) `entry`. Throws on bad input. */
  register(entry: ModuleEntry, type: string, name: string, impl: unknown, priority: number, context: EventContext | null): void {
    if (!TYPE_PATTERN.test(type)) throw new Error(`ctx.register: bad provider type ${JSON.stringify(type)}`);
    if (typeof name !== 'string' || name.length === 0) throw new Error('ctx.register: a provider needs a name');
    if (!Number.isInteger(priority)) throw new Error('ctx.register: priority must be an integer');
    const key = providerKey(type, name);
    const list = this.byKey.get(key) ?? [];
    if (list.some((r) => r.module === entry.name)) throw new Error(`ctx.register: ${entry.name} already registered ${type}=${name}`);
    const registration: Registration = { type, name, priority, module: entry.name, impl };
    list.push(registration);
    list.sort((a, b) => b.priority - a.priority || (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
    this.byKey.set(key, list);
    entry.instance!.registrations.push(registration);
    this.journal?.push(registration);
    this.emit('provider_register', entry.name, context, { type, name, priority });
  }

  /** Withdraws every registration of `entry`. */
  withdrawAll(entry: ModuleEntry, context: EventContext | null): void {
    const instance = entry.instance;
    if (!instance) return;
    for (const registration of instance.registrations.splice(0)) this.remove(registration, context);
  }

  /** Withdraws one registration (a rolled-back operation's). */
  withdraw(entry: ModuleEntry, registration: Registration, context: EventContext | null): void {
    const list = entry.instance?.registrations;
    const at = list?.indexOf(registration) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    this.remove(registration, context);
  }

  /** The best registration of `type=name` whose module `usable` accepts. */
  best(type: string, name: string, usable: (module: string) => boolean = () => true): Registration | undefined {
    return this.byKey.get(providerKey(type, name))?.find((r) => usable(r.module));
  }

  /** Whether `module` has registered `type=name`. */
  registeredBy(type: string, name: string, module: string): boolean {
    return this.byKey.get(providerKey(type, name))?.some((r) => r.module === module) ?? false;
  }

  /** Every registered `type=name` with its registrations, best first. */
  *entries(): IterableIterator<{ type: string; name: string; registrations: readonly Registration[] }> {
    for (const [key, registrations] of this.byKey) yield { ...splitProviderKey(key), registrations };
  }

  openJournal(): void {
    this.journal = [];
  }

  closeJournal(): Registration[] {
    const made = this.journal ?? [];
    this.journal = null;
    return made;
  }

  private remove(registration: Registration, context: EventContext | null): void {
    const key = providerKey(registration.type, registration.name);
    const list = this.byKey.get(key)?.filter((r) => r !== registration) ?? [];
    if (list.length > 0) this.byKey.set(key, list);
    else this.byKey.delete(key);
    this.emit('provider_unregister', registration.module, context, {
      type: registration.type,
      name: registration.name,
      priority: registration.priority,
    });
  }
}
