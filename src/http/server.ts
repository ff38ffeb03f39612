/**
 * Runs a {@link Service}: listens (after checking the address against SPEC 11's rule), sets
 * the socket timeouts, and shuts down gracefully on SIGTERM/SIGINT: stop answering, let
 * in-flight requests finish, unload every module in reverse order, end the event streams.
 */
import type { Logger } from 'pino';
import { assertListenAllowed } from './auth/listen-policy.js';
import type { Service } from './service.js';

export interface ListenSettings {
  host: string;
  port: number;
}

/**
 * Listens, and opens the AMI listener when manager.conf enables it; answers the addresses
 * actually bound (port 0 picks a free one).
 */
export async function listen(
  service: Service,
  settings: ListenSettings,
): Promise<{ host: string; port: number; url: string; manager?: { host: string; port: number } | undefined }> {
  assertListenAllowed(settings.host, service.tokens.enabled);
  const { server } = service.app;
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  await service.app.listen({ host: settings.host, port: settings.port });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const manager = await service.manager?.listen();
  return { host: settings.host, port, url: `http://${host}:${port}`, manager };
}

/**
 * Resolves once the service has shut down after SIGTERM or SIGINT. A second signal while
 * shutting down exits at once with status 1.
 */
export function closeOnSignals(service: Service, logger: Logger, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<void> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) {
        logger.error({ signal }, 'second signal while shutting down: exiting now');
        process.exit(1);
      }
      closing = true;
      logger.info({ signal }, 'shutting down: unloading every module in reverse order');
      service.close().then(
        () => {
          for (const s of signals) process.off(s, onSignal);
          logger.info('shut down');
          resolve();
        },
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
