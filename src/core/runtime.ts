/**
 * The module runtime: a running instance's resources and the `ctx` it is given (SPEC 7).
 * Timers and the abort signal belong to the instance and die with it; a ctx whose instance
 * has stopped refuses to act, so a module cannot leak work past its own stop.
 */
import type { Instance, ModuleEntry } from './model.js';
import type { AddUserOptions, ConfigFile, ModuleContext, ModuleLog, UserHandle } from './types.js';

/** What the loader offers a ctx. Each method acts on behalf of the module `entry`. */
export interface ContextServices {
  register(entry: ModuleEntry, type: string, name: string, impl: unknown, priority: number): void;
  use(entry: ModuleEntry, type: string, name: string): unknown;
  addUser(entry: ModuleEntry, options: AddUserOptions): UserHandle;
  readConfig(file: string): Promise<ConfigFile | null>;
  log(name: string): ModuleLog;
}

export function createInstance(): Instance {
  return { abort: new AbortController(), timers: new Set(), intervals: new Set(), registrations: [], alive: true };
}

/** Aborts the signal and clears every timer of the instance; it can no longer act. */
export function endInstance(instance: Instance): void {
  instance.alive = false;
  for (const timer of instance.timers) clearTimeout(timer);
  for (const interval of instance.intervals) clearInterval(interval);
  instance.timers.clear();
  instance.intervals.clear();
  if (!instance.abort.signal.aborted) instance.abort.abort(new Error('module stopped'));
}

export function createContext(entry: ModuleEntry, instance: Instance, services: ContextServices): ModuleContext {
  const live = (what: string): void => {
    if (!instance.alive) throw new Error(`${entry.name}: ctx.${what}() called after the module stopped`);
  };
  return {
    name: entry.name,
    manifest: entry.manifest,
    register(type, name, impl, options) {
      live('register');
      services.register(entry, type, name, impl, options?.priority ?? 0);
    },
    use<T>(type: string, name: string): T {
      live('use');
      return services.use(entry, type, name) as T;
    },
    addUser(options) {
      live('addUser');
      return services.addUser(entry, options);
    },
    blockUnload() {
      entry.blocked = true;
    },
    config: (file) => services.readConfig(file),
    log: services.log(entry.name),
    signal: instance.abort.signal,
    setTimeout(fn, ms) {
      if (!instance.alive) return undefined;
      const timer = setTimeout(() => {
        instance.timers.delete(timer);
        if (instance.alive) fn();
      }, ms);
      instance.timers.add(timer);
      return timer;
    },
    setInterval(fn, ms) {
      if (!instance.alive) return undefined;
      const interval = setInterval(() => {
        if (instance.alive) fn();
      }, ms);
      instance.intervals.add(interval);
      return interval;
    },
  };
}

export type Settled<T> =
  | { kind: 'value'; value: T }
  | { kind: 'throw'; error: unknown }
  | { kind: 'timeout' };

/** Runs a module hook with a deadline; never rejects. */
export async function runHook<T>(hook: () => T | Promise<T>, timeoutMs: number): Promise<Settled<Awaited<T>>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Settled<Awaited<T>>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const run = (async (): Promise<Settled<Awaited<T>>> => {
    try {
      return { kind: 'value', value: await hook() };
    } catch (error) {
      return { kind: 'throw', error };
    }
  })();
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short reason text for a thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
