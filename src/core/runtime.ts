/**
 * The module runtime: a running instance's resources and the `ctx` it is given (SPEC 7).
 * Timers and the abort signal belong to the instance and die with it; a ctx whose instance
 * has stopped refuses to act, so a module cannot leak work past its own stop.
 */
import type { Instance, ModuleEntry } from './model.js';
import type { AddUserOptions, ConfigFile, ModuleContext, ModuleLog, UserHandle } from './types.js';

/** Why a hook did not settle with a value. */
export type HookOutcome = 'throw' | 'timeout';

/** What the loader offers a ctx. Each method acts on behalf of the module `entry`. */
export interface ContextServices {
  register(entry: ModuleEntry, type: string, name: string, impl: unknown, priority: number): void;
  use(entry: ModuleEntry, type: string, name: string): unknown;
  addUser(entry: ModuleEntry, options: AddUserOptions): UserHandle;
  readConfig(file: string): Promise<ConfigFile | null>;
  log(name: string): ModuleLog;
}

export function createInstance(): Instance {
  return { abort: null, timers: null, intervals: null, registrations: [], alive: true };
}

/** Aborts the signal (if the module ever read it) and clears every timer; the ctx goes dead. */
export function endInstance(instance: Instance): void {
  instance.alive = false;
  if (instance.timers) for (const timer of instance.timers) clearTimeout(timer);
  if (instance.intervals) for (const interval of instance.intervals) clearInterval(interval);
  instance.timers = null;
  instance.intervals = null;
  if (instance.abort && !instance.abort.signal.aborted) instance.abort.abort(new Error('module stopped'));
}

/**
 * The `ctx` a module's hooks receive (SPEC 7). A class, so its methods live on the prototype
 * and a running module costs a few fields; the AbortController, the logger and the timer sets
 * are made on first use. A signal first read after the stop comes already aborted.
 */
class ModuleContextImpl implements ModuleContext {
  private logger: ModuleLog | null = null;

  constructor(
    private readonly entry: ModuleEntry,
    private readonly instance: Instance,
    private readonly services: ContextServices,
  ) {}

  get name(): string {
    return this.entry.name;
  }

  get manifest(): ModuleEntry['manifest'] {
    return this.entry.manifest;
  }

  get log(): ModuleLog {
    return (this.logger ??= this.services.log(this.entry.name));
  }

  get signal(): AbortSignal {
    if (!this.instance.abort) {
      this.instance.abort = new AbortController();
      if (!this.instance.alive) this.instance.abort.abort(new Error('module stopped'));
    }
    return this.instance.abort.signal;
  }

  register(type: string, name: string, impl: unknown, options?: { priority?: number }): void {
    this.live('register');
    this.services.register(this.entry, type, name, impl, options?.priority ?? 0);
  }

  use<T>(type: string, name: string): T {
    this.live('use');
    return this.services.use(this.entry, type, name) as T;
  }

  addUser(options: AddUserOptions): UserHandle {
    this.live('addUser');
    return this.services.addUser(this.entry, options);
  }

  blockUnload(): void {
    this.entry.blocked = true;
  }

  config(file: string): Promise<ConfigFile | null> {
    return this.services.readConfig(file);
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const instance = this.instance;
    if (!instance.alive) return undefined;
    const timers = (instance.timers ??= new Set());
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (instance.alive) fn();
    }, ms);
    timers.add(timer);
    return timer;
  }

  setInterval(fn: () => void, ms: number): unknown {
    const instance = this.instance;
    if (!instance.alive) return undefined;
    const interval = setInterval(() => {
      if (instance.alive) fn();
    }, ms);
    (instance.intervals ??= new Set()).add(interval);
    return interval;
  }

  private live(what: string): void {
    if (!this.instance.alive) throw new Error(`${this.entry.name}: ctx.${what}() called after the module stopped`);
  }
}

export function createContext(entry: ModuleEntry, instance: Instance, services: ContextServices): ModuleContext {
  return new ModuleContextImpl(entry, instance, services);
}

export type Settled<T> =
  | { kind: 'value'; value: T }
  | { kind: 'throw'; error: unknown }
  | { kind: 'timeout' };

/**
 * Runs a module hook with a deadline; never rejects. A hook that answers synchronously is
 * settled at once (no timer is armed); only a returned promise races the deadline.
 */
export async function runHook<T>(hook: () => T | Promise<T>, timeoutMs: number): Promise<Settled<Awaited<T>>> {
  let returned: T | Promise<T>;
  try {
    returned = hook();
  } catch (error) {
    return { kind: 'throw', error };
  }
  if (!isThenable(returned)) return { kind: 'value', value: returned as Awaited<T> };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Settled<Awaited<T>>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const settled = Promise.resolve(returned).then(
    (value): Settled<Awaited<T>> => ({ kind: 'value', value: value as Awaited<T> }),
    (error: unknown): Settled<Awaited<T>> => ({ kind: 'throw', error }),
  );
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A short reason text for a thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
