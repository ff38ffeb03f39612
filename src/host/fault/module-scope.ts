/**
 * The per-module async context of SPEC 6.16. Each imported lib gets a {@link ModuleScope}; its
 * import and every exported hook run inside `AsyncLocalStorage.run(scope)`, so everything the
 * module's code starts from there (timers, including the global `setTimeout`; promises;
 * callbacks of I/O it begins) carries the scope, and a fault surfacing later can be charged to
 * it.
 *
 * The synchronous part of each call into module code is also recorded in shared memory (the lib
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
let nextLib = 1;

/**
 * Memory shared with the runaway watchdog's thread, which reads it while this thread is stuck
 * (watchdog-thread.ts decodes it): the Int32 at byte 0 is the lib id whose code this thread is
 * running synchronously (0: none); from byte {@link NAME_TABLE.offset}, a ring of
 * {@link NAME_TABLE.slots} slots of {@link NAME_TABLE.slotBytes} bytes names the recent libs
 * (Int32 lib id, a length byte, the module name in ASCII). Naming a lib is a few stores when it
 * is imported; entering a hook is one.
 */
export const NAME_TABLE = { offset: 8, slots: 1024, slotBytes: 72 } as const;
export const scopeBuffer = new SharedArrayBuffer(NAME_TABLE.offset + NAME_TABLE.slots * NAME_TABLE.slotBytes);
const entered = new Int32Array(scopeBuffer, 0, 1);
const ints = new Int32Array(scopeBuffer);
const bytes = new Uint8Array(scopeBuffer);

/** A scope for a new import of `module` (a module name: at most 64 ASCII characters); it becomes the module's current lib. */
export function openScope(module: string): ModuleScope {
  const scope: ModuleScope = { module, lib: nextLib++ };
  latestLib.set(module, scope.lib);
  const at = NAME_TABLE.offset + (scope.lib % NAME_TABLE.slots) * NAME_TABLE.slotBytes;
  const length = Math.min(module.length, NAME_TABLE.slotBytes - 5);
  bytes[at + 4] = length;
  for (let i = 0; i < length; i += 1) bytes[at + 5 + i] = module.charCodeAt(i) & 0x7f;
  Atomics.store(ints, at / 4, scope.lib);
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

/** The lib whose code this thread is running synchronously now (0: none). */
export function enteredLib(): number {
  return entered[0]!;
}

/** The module a lib id belongs to, if it is one of the last {@link NAME_TABLE.slots} imported. */
export function moduleOfLib(lib: number): string | undefined {
  const at = NAME_TABLE.offset + (lib % NAME_TABLE.slots) * NAME_TABLE.slotBytes;
  if (lib <= 0 || Atomics.load(ints, at / 4) !== lib) return undefined;
  return String.fromCharCode(...bytes.subarray(at + 5, at + 5 + bytes[at + 4]!));
}
