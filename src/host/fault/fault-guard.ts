/**
 * Process-wide containment of module faults (SPEC 6.16): an uncaught exception, an unhandled
 * rejection, or a call of `process.exit` (`process.abort`, `process.reallyExit`) made by a
 * module's code is charged to that module instead of ending the service.
 *
 * Who is to blame, in order:
 * 1. the module scope of the code where the fault surfaced (module-scope.ts; for a rejection,
 *    Node.js enters the rejected promise's own context before emitting it);
 * 2. the innermost module file in the error's stack trace (a callback the loader ran outside
 *    the module's context, e.g. an abort listener, that threw an Error).
 * A fault that neither names is unattributable: it is logged and handed to the owner, who
 * shuts the service down.
 *
 * A fault of an older import of a module (a timer its previous lib left behind) is logged but
 * not charged: the module's running code is not the one that failed. A throwing interval is
 * cleared once its fault is charged, so a dead module cannot fault forever.
 */
import { executionAsyncResource } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { LoaderApi } from '../../core/api.js';
import type { FaultSource } from '../../core/types.js';
import type { ModuleFiles } from './module-files.js';
import { currentScope, isLatestLib, outsideModules } from './module-scope.js';

/** What the guard needs of the loader. */
export type FaultSink = Pick<LoaderApi, 'has' | 'fault'>;

export interface FaultGuardOptions {
  files: ModuleFiles;
  logger: Logger;
  /** A fault no module can be charged with; called once, for the first one. */
  onUnattributable(error: unknown): void;
}

export interface FaultGuard {
  /** Charges faults to `loader` from now on (faults before that are logged only). */
  attach(loader: FaultSink): void;
  /** Removes the process handlers and gives back the original `process.exit` and friends. */
  uninstall(): void;
}

/** Thrown inside a module that calls `process.exit` (or `abort`, `reallyExit`). */
export class ExitRefusedError extends Error {
  override readonly name = 'ExitRefusedError';
  readonly code = 'ERR_MODULE_EXIT_REFUSED';
}

interface Blame {
  module: string;
  /** The code is from an older import of the module than the latest. */
  stale: boolean;
}

type ExitLike = (...args: unknown[]) => never;
const EXITS = ['exit', 'reallyExit', 'abort'] as const;

const Timeout = (() => {
  const probe = setTimeout(() => undefined, 0);
  clearTimeout(probe);
  return probe.constructor;
})();

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function stackOf(error: unknown): string | undefined {
  const stack = typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  return typeof stack === 'string' ? stack : undefined;
}

export function installFaultGuard(options: FaultGuardOptions): FaultGuard {
  const { files, logger } = options;
  let loader: FaultSink | null = null;
  let gaveUp = false;
  const charging = new Set<string>();
  /** Exit refusals already charged as `exit`: their throw must not be charged again. */
  const refusals = new WeakSet<object>();

  function known(module: string): boolean {
    return loader === null || loader.has(module);
  }

  function blame(stack: string | undefined): Blame | null {
    const scope = currentScope();
    if (scope) return { module: scope.module, stale: !isLatestLib(scope) };
    const module = stack === undefined ? undefined : files.inText(stack).find(known);
    return module === undefined ? null : { module, stale: false };
  }

  function charge(blamed: Blame, error: unknown, source: FaultSource): void {
    const { module } = blamed;
    if (blamed.stale) {
      logger.warn({ module, source, err: error }, `fault (${source}) in code of an earlier import of module ${module}, not its running code: not charged`);
      return;
    }
    logger.error({ module, source, err: error }, `module ${module} faulted (${source}): ${describe(error)}`);
    if (loader === null || !loader.has(module) || charging.has(module)) return;
    charging.add(module);
    const sink = loader;
    outsideModules(() => sink.fault(module, error, { source })).then(
      () => charging.delete(module),
      (err: unknown) => {
        charging.delete(module);
        logger.error({ module, err }, `charging the fault of module ${module} failed`);
      },
    );
  }

  function unattributable(error: unknown, source: FaultSource): void {
    logger.fatal({ source, err: error }, `fault (${source}) that no module can be charged with: ${describe(error)}; shutting down`);
    if (gaveUp) return;
    gaveUp = true;
    options.onUnattributable(error);
  }

  function onFault(error: unknown, source: FaultSource): void {
    try {
      if (typeof error === 'object' && error !== null && refusals.has(error)) return;
      const blamed = blame(stackOf(error));
      if (blamed === null) return unattributable(error, source);
      // An interval that threw will throw again: its module is failed now, stop it.
      const resource = executionAsyncResource();
      if (resource instanceof Timeout) clearInterval(resource as NodeJS.Timeout);
      charge(blamed, error, source);
    } catch (err) {
      // Nothing may escape a process handler (Node.js would end the process).
      logger.fatal({ err, fault: error }, 'the fault guard itself failed');
    }
  }

  const onException = (error: unknown, origin: string): void => onFault(error, origin === 'unhandledRejection' ? 'rejection' : 'exception');
  const onRejection = (reason: unknown): void => onFault(reason, 'rejection');

  const originals = new Map<(typeof EXITS)[number], ExitLike>();
  const target = process as unknown as Record<(typeof EXITS)[number], ExitLike | undefined>;
  for (const name of EXITS) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    target[name] = function guardedExit(this: unknown, ...args: unknown[]): never {
      const caller = currentScope()?.module ?? files.onStack().find(known);
      if (caller === undefined) return original.apply(process, args);
      const call = `process.${name}(${args.length > 0 ? args.map((a) => JSON.stringify(a) ?? String(a)).join(', ') : ''})`;
      const refusal = new ExitRefusedError(`${call} refused: module ${caller} may not end the service; it is charged with a fault`);
      refusals.add(refusal);
      const scope = currentScope();
      charge({ module: caller, stale: scope !== undefined && !isLatestLib(scope) }, new Error(`called ${call}`), 'exit');
      throw refusal;
    };
  }
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  return {
    attach(sink) {
      loader = sink;
    },
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
      for (const [name, original] of originals) target[name] = original;
    },
  };
}
