/**
 * Fault containment for `modloader serve` (SPEC 6.16, src/host/fault/): installed before the
 * service imports its first module, removed when the command ends. A fault no module can be
 * charged with ends the service the graceful way (every module unloaded in reverse order) with
 * status 1.
 */
import type { Logger } from 'pino';
import { containFaults, type FaultContainment } from '../host/fault/contain-faults.js';
import type { Service } from '../http/service.js';
import type { ServeSettings } from '../http/settings.js';
import type { CliIO } from './io.js';

export interface ServeFaults {
  /** For the service: faults are charged to its loader. */
  readonly containment: FaultContainment;
  /**
   * Resolves with status 1 once a fault no module can be charged with has shut `service`
   * down; never resolves otherwise.
   */
  shutdownOnUnattributable(service: Service): Promise<number>;
  /** A fault no module can be charged with has happened (the service is being shut down for it). */
  readonly unattributable: boolean;
  /** Removes the containment; resolves with `status`, for `return faults.end(status)`. */
  end(status: number): Promise<number>;
}

export function containServeFaults(settings: Pick<ServeSettings, 'modules' | 'load_timeout_ms'>, logger: Logger, io: CliIO): ServeFaults {
  let unattributable: (error: unknown) => void = () => undefined;
  let happened = false;
  const fatal = new Promise<unknown>((resolve) => (unattributable = resolve)).then(() => (happened = true));
  const containment = containFaults({
    modulesDir: settings.modules,
    loadTimeoutMs: settings.load_timeout_ms,
    logger,
    onUnattributable: (error) => unattributable(error),
  });
  return {
    containment,
    get unattributable() {
      return happened;
    },
    async shutdownOnUnattributable(service) {
      await fatal;
      logger.info('shutting down after a fault no module can be charged with: unloading every module, holders first');
      await service.close();
      logger.info('shut down');
      io.err('modloader serve: shut down after a fault no module can be charged with (see the log)');
      // Whatever the faulty code left running (a timer, a socket) must not keep the process.
      setTimeout(() => process.exit(1), 2000).unref();
      return 1;
    },
    async end(status) {
      await containment.close();
      return status;
    },
  };
}
