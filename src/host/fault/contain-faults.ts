/**
 * Fault containment for a service process (SPEC 6.16): the fault guard (exceptions,
 * rejections, `process.exit`) and the runaway watchdog, installed together and removed
 * together. One per process: both act on the process as a whole.
 */
import type { Logger } from 'pino';
import { installFaultGuard, type FaultSink } from './fault-guard.js';
import { moduleFiles } from './module-files.js';
import { startWatchdog } from './watchdog.js';

export interface FaultContainmentOptions {
  /** The module directory: a module's file in a stack trace names the module. */
  modulesDir: string;
  /** How long the main thread may be stuck in synchronous code (the load timeout). */
  loadTimeoutMs: number;
  logger: Logger;
  /**
   * A fault no module can be charged with (logged already): the owner shuts the service down
   * gracefully and exits non-zero. Called once.
   */
  onUnattributable(error: unknown): void;
}

export interface FaultContainment {
  /** Charges faults to `loader` from now on. */
  attach(loader: FaultSink): void;
  /** Uninstalls everything; idempotent. */
  close(): Promise<void>;
}

export function containFaults(options: FaultContainmentOptions): FaultContainment {
  const files = moduleFiles(options.modulesDir);
  const guard = installFaultGuard({ files, logger: options.logger, onUnattributable: options.onUnattributable });
  const watchdog = startWatchdog({ limitMs: options.loadTimeoutMs, files, logger: options.logger });
  let closing: Promise<void> | undefined;
  return {
    attach: (loader) => guard.attach(loader),
    close() {
      closing ??= (async () => {
        guard.uninstall();
        await watchdog.stop();
      })();
      return closing;
    },
  };
}
