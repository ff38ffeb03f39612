/**
 * The runaway watchdog (SPEC 6.16): a synchronous loop in a module (its top level, a hook, a
 * timer) freezes the main thread, so no timer of the loader can ever fire. A worker thread
 * (watchdog-thread.ts) watches a heartbeat this thread bumps; once the heartbeat has stood
 * still for the load timeout, it has this thread run {@link RunawayHandler} as an interrupt on
 * top of the stuck code. The handler names the module (the innermost module file on the stuck
 * stack, else the module whose async context the stuck code runs in, else the module whose hook
 * was entered), says so on stderr and in the log, and ends the process with
 * {@link RUNAWAY_EXIT_STATUS} so its supervisor restarts the service.
 *
 * Why end the process rather than stop the module: Node.js 20 cannot safely stop JavaScript
 * that is running. The inspector's `Runtime.terminateExecution` unwinds the stack without
 * running the async-hooks bookkeeping (`AsyncLocalStorage`, on which fault attribution
 * rests), and Node.js then aborts ("async hook stack has become corrupted", or an assertion
 * in `InternalCallbackScope::Close`); a terminated microtask also drops every other queued
 * microtask. Live-editing the looping function (`Debugger.setScriptSource`) crashes V8 on
 * optimized frames. Only `vm`'s own `timeout` turns a runaway into a catchable error, at the
 * cost of a thread started and joined on every call (see docs/writing-modules.md).
 *
 * Cost while nothing runs away: one interval timer on each thread (every `limit/10`, between
 * 10 ms and 1 s), an atomic add and a look at whether an inspector is open.
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { url as inspectorUrl } from 'node:inspector';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { callSites } from './call-sites.js';
import type { ModuleFiles } from './module-files.js';
import { currentScope, enteredLib, moduleOfLib, NAME_TABLE, scopeBuffer } from './module-scope.js';
import { type WatchdogData, watchdogThread } from './watchdog-thread.js';

/** The exit status of a process ended by the watchdog (EX_SOFTWARE of sysexits.h). */
export const RUNAWAY_EXIT_STATUS = 70;

export interface WatchdogOptions {
  /** How long the main thread may be stuck (the load timeout). */
  limitMs: number;
  files: ModuleFiles;
  logger: Logger;
}

export interface Watchdog {
  stop(): Promise<void>;
}

/** Runs on the stuck main thread; never returns. */
type RunawayHandler = (stalledMs: number) => never;

const reallyExit = (process as unknown as { reallyExit: (code: number) => never }).reallyExit.bind(process);

/**
 * Starts the watchdog. While an inspector is open (`--inspect`, or SIGUSR1) it stands down: a
 * debugger paused at a breakpoint looks exactly like a runaway.
 */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const { limitMs, files, logger } = options;
  const periodMs = Math.min(1000, Math.max(10, Math.floor(limitMs / 10)));
  const heartbeat = new Int32Array(new SharedArrayBuffer(12));
  const beat = setInterval(() => {
    Atomics.add(heartbeat, 0, 1);
    Atomics.store(heartbeat, 2, inspectorUrl() === undefined ? 0 : 1);
  }, periodMs);
  beat.unref();

  const key = `modloader.runaway.${randomUUID()}`;
  const handler: RunawayHandler = (stalledMs) => {
    Atomics.store(heartbeat, 1, 1);
    const onStack = files.onStack();
    const module = onStack[0] ?? currentScope()?.module ?? moduleOfLib(enteredLib());
    const frames = stuckFrames(handler);
    const what = module === undefined ? 'outside any module' : `in module ${module}`;
    const message =
      `modloader: runaway: the main thread has been running synchronously ${what} for at least ${stalledMs} ms, longer than the ` +
      `load timeout (${limitMs} ms). Node.js cannot stop it safely; exiting with status ${RUNAWAY_EXIT_STATUS} so the supervisor restarts the service.`;
    writeSync(2, `${message}\n${frames.map((f) => `    at ${f}`).join('\n')}\n`);
    try {
      logger.fatal({ module, source: 'runaway', stalled_ms: stalledMs, stack: frames }, message);
      logger.flush();
    } catch {
      // The message is on stderr already.
    }
    return reallyExit(RUNAWAY_EXIT_STATUS);
  };
  Object.defineProperty(globalThis, Symbol.for(key), { value: handler, configurable: true });

  const data: WatchdogData = { heartbeat: heartbeat.buffer as SharedArrayBuffer, scopes: scopeBuffer, names: NAME_TABLE, limitMs, periodMs, graceMs: 2000, key };
  // The thread's source is its function's text: a compiled worker file exists only in dist/, not
  // when the TypeScript sources run under vite-node (tests); `__name` is the helper that
  // esbuild's keepNames output may call there.
  const worker = new Worker(`var __name = (f) => f;\n(${watchdogThread.toString()})()`, { eval: true, workerData: data });
  worker.unref();
  worker.on('error', (err) => logger.error({ err }, 'the runaway watchdog stopped'));

  return {
    async stop() {
      clearInterval(beat);
      delete (globalThis as Record<symbol, unknown>)[Symbol.for(key)];
      await worker.terminate();
    },
  };
}

/** The stuck code's frames, without the handler's own and the inspector's evaluated expression. */
function stuckFrames(handler: RunawayHandler): string[] {
  return callSites(32, handler).slice(1, 31).map(String);
}
