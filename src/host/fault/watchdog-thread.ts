/**
 * The runaway watchdog's own thread (a worker, so it runs while the main thread is stuck).
 *
 * The main thread bumps a shared heartbeat every `periodMs`. When the heartbeat has not moved
 * for `limitMs` (the load timeout) plus a period, the main thread has been stuck in synchronous
 * code for at least the load timeout: the watchdog
 * asks it, through the inspector protocol (`Runtime.evaluate`, which Node.js runs as an
 * interrupt on top of the stuck code), to call the handler registered under `key`, which names
 * the module from the stuck stack and ends the process (watchdog.ts). If the main thread does
 * not take the interrupt within `graceMs` (it is blocked in native code), this thread says
 * what it knows (the module whose hook was entered, if any) on stderr and kills the process:
 * it never hangs.
 *
 * The function is run by `new Worker(source, { eval: true })`, so it must be self-contained
 * (no imports, nothing from outside its body) and plain JavaScript once types are stripped.
 */

export interface WatchdogData {
  /**
   * `[0]` the heartbeat; `[1]` set by the main thread once its runaway handler runs; `[2]` set
   * while an inspector is open (a debugger may have paused the main thread: not a runaway).
   */
  heartbeat: SharedArrayBuffer;
  /** module-scope.ts's `scopeBuffer`: the lib entered, and the names of recent libs. */
  scopes: SharedArrayBuffer;
  /** module-scope.ts's `NAME_TABLE`. */
  names: { offset: number; slots: number; slotBytes: number };
  limitMs: number;
  periodMs: number;
  graceMs: number;
  /** `Symbol.for(key)` is the main thread's runaway handler on `globalThis`. */
  key: string;
}

export function watchdogThread(): void {
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  const data = workerData as WatchdogData;
  const heartbeat = new Int32Array(data.heartbeat);
  const scopes = new Int32Array(data.scopes);
  const scopeBytes = new Uint8Array(data.scopes);
  /** The module whose hook the main thread entered, as module-scope.ts recorded it. */
  const enteredModule = (): string | undefined => {
    const lib = Atomics.load(scopes, 0);
    const at = data.names.offset + (lib % data.names.slots) * data.names.slotBytes;
    if (lib <= 0 || Atomics.load(scopes, at / 4) !== lib) return undefined;
    return String.fromCharCode(...scopeBytes.subarray(at + 5, at + 5 + scopeBytes[at + 4]!));
  };

  let seen = Atomics.load(heartbeat, 0);
  let seenAt = Date.now();
  let checkedAt = seenAt;
  let fired = false;
  setInterval(() => {
    const now = Date.now();
    // This thread itself ran late (the machine was starved, or the process stopped): that
    // says nothing about the main thread, so start counting again.
    const starved = now - checkedAt > data.periodMs * 4;
    checkedAt = now;
    const beat = Atomics.load(heartbeat, 0);
    if (beat !== seen || starved || Atomics.load(heartbeat, 2) !== 0) {
      seen = beat;
      seenAt = now;
      return;
    }
    // The main thread stopped somewhere within a period after its last beat: count from there,
    // so that nothing is taken for a runaway before it has blocked for the whole limit.
    const stalled = now - seenAt - data.periodMs;
    if (fired || stalled < data.limitMs) return;
    fired = true;
    try {
      const { Session } = require('node:inspector') as typeof import('node:inspector');
      const session = new Session();
      session.connectToMainThread();
      session.post('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(data.key)})](${stalled})` });
    } catch {
      // No inspector in this Node.js build: the fallback below still ends the process.
    }
    const giveUp = (): void => {
      // The handler runs on the main thread: give it time to write its message and exit.
      if (Atomics.load(heartbeat, 1) !== 0 && Date.now() - now < data.graceMs * 5) {
        setTimeout(giveUp, data.graceMs);
        return;
      }
      const module = enteredModule();
      const where = module === undefined ? 'outside any module hook' : `in a hook of module ${module}`;
      writeSync(
        2,
        `modloader: runaway: the main thread has been blocked for at least ${Date.now() - seenAt - data.periodMs} ms ${where}, ` +
          `longer than the load timeout (${data.limitMs} ms), and ${Atomics.load(heartbeat, 1) === 0 ? 'did not respond' : 'did not finish exiting'}; ` +
          `killing the process so its supervisor restarts it\n`,
      );
      process.kill(process.pid, 'SIGKILL');
    };
    setTimeout(giveUp, data.graceMs);
  }, data.periodMs);
}
