/**
 * The per-module async context of SPEC 6.16. Each imported lib gets a {@link ModuleScope}; its
 * import and every exported hook run inside `AsyncLocalStorage.run(scope)`, so everything the
 * module's code starts from there (timers, including the global `setTimeout`; promises;
 * callbacks of I/O it begins) carries the scope, and a fault surfacing later can be charged to
 * it.
 *
 * The synchronous part of each call into module code is also recorded in a shared slot (the lib
 * id entered), which the runaway watchdog reads from its own thread when the main thread stops
 * answering (see watchdog.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One imported lib of one module. */
export interface ModuleScope {
  readonly module: string;
  /** Unique per import, so faults of an older lib of the same module can be told apart. */
  readonly lib: number;
}

const storage = new AsyncLocalStorage<ModuleScope>();
const latestLib = new Map<string, number>();
const libNames = new Map<number, string>();
const observers = new Set<ScopeObserver>();

/** Told of each new scope, and of the lib id it replaces as the module's latest (if any). */
export type ScopeObserver = (scope: ModuleScope, replaces: number | undefined) => void;
let nextLib = 1;

/**
 * `entered[0]`: the lib id whose code the main thread is running synchronously (0: none).
 * Shared, so another thread can read it while this one is stuck.
 */
export const enteredBuffer = new SharedArrayBuffer(4);
const entered = new Int32Array(enteredBuffer);

/** A scope for a new import of `module`; it becomes the module's current lib. */
export function openScope(module: string): ModuleScope {
  const scope: ModuleScope = { module, lib: nextLib++ };
  const previous = latestLib.get(module);
  // Only the latest lib of each module is named: the names do not grow with hot upgrades.
  if (previous !== undefined) libNames.delete(previous);
  latestLib.set(module, scope.lib);
  libNames.set(scope.lib, module);
  for (const observer of observers) observer(scope, previous);
  return scope;
}

/**
 * Calls `fn` (with `thisArg` and `args`) inside `scope`: in its async context, and recorded as
 * entered for the watchdog while it runs synchronously.
 */
export function runInScope<T>(scope: ModuleScope, fn: (...args: never[]) => T, thisArg?: unknown, args: readonly unknown[] = []): T {
  const previous = entered[0]!;
  entered[0] = scope.lib;
  try {
    return storage.run(scope, Reflect.apply, fn, thisArg, args) as T;
  } finally {
    entered[0] = previous;
  }
}

/** The scope of the code running now, if it is a module's. */
export function currentScope(): ModuleScope | undefined {
  return storage.getStore();
}

/** Runs `fn` outside every module's scope (the loader's own work, e.g. charging a fault). */
export function outsideModules<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** True when `scope` is the module's most recent import (its code may be running now). */
export function isLatestLib(scope: ModuleScope): boolean {
  return latestLib.get(scope.module) === scope.lib;
}

/** The module a lib id belongs to (known for the latest lib of each module). */
export function moduleOfLib(lib: number): string | undefined {
  return libNames.get(lib);
}

/** The latest lib of every module imported so far, as `[lib id, module]`. */
export function latestLibs(): Array<[number, string]> {
  return [...libNames];
}

/** Tells `observer` about every scope opened from now on; returns the unsubscribe function. */
export function observeScopes(observer: ScopeObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
