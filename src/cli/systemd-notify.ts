/**
 * systemd `Type=notify` readiness: when the service manager set `NOTIFY_SOCKET`, the service
 * says `READY=1` (with a status text) once it is ready. Node cannot send on a unix datagram
 * socket, so this runs systemd's own `systemd-notify`, which waits until the manager took the
 * message; the unit needs `NotifyAccess=all` (contrib/systemd/modloader.service), and
 * `--pid` names this process as the main one.
 */
import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

/** Tells systemd the service is ready; does nothing without `NOTIFY_SOCKET`. Never throws. */
export function notifyReady(status: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!env.NOTIFY_SOCKET) return Promise.resolve();
  return new Promise((resolve) => {
    execFile('systemd-notify', ['--ready', `--pid=${process.pid}`, `--status=${status}`], { env, timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) logger.warn({ err, stderr }, 'could not notify systemd of readiness (systemd-notify failed)');
      else logger.debug('notified systemd: ready');
      resolve();
    });
  });
}
