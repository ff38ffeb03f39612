/**
 * Runs a {@link Service}: listens (after checking the address against SPEC 11's rule), sets
 * the socket timeouts, and shuts down gracefully on SIGTERM/SIGINT: stop answering, let
 * in-flight requests finish, unload every module in reverse order, end the event streams.
 */
import { rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { assertListenAllowed } from './auth/listen-policy.js';
import type { Service } from './service.js';

export interface ListenSettings {
  host: string;
  port: number;
}

/** The socket timeouts of the service's server (and of the early listener, the same server). */
export function setSocketTimeouts(server: Server): void {
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
}

/** The URL a client on this machine reaches `host:port` at (a wildcard address by loopback). */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
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
  setSocketTimeouts(server);
  await service.app.listen({ host: settings.host, port: settings.port });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const manager = await service.manager?.listen();
  return { host: settings.host, port, url: `http://${host}:${port}`, manager };
}

/**
 * Writes the service's local URL into `file` (for a container's HEALTHCHECK, which cannot know
 * a `--port` given to the service) and removes it once the service has closed.
 */
export async function publishUrl(service: Service, file: string, url: string): Promise<void> {
  await writeFile(file, `${url}\n`);
  void service.closed.then(() => rm(file, { force: true }));
}

/**
 * Closes the service on SIGTERM or SIGINT; resolves once the service has closed (by a signal or
 * otherwise), rejects when closing failed. A second signal while closing exits at once with
 * status 1.
 */
export function closeOnSignals(service: Service, logger: Logger, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<void> {
  let failure: unknown;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (service.closing) {
      logger.error({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: unloading every module, holders first');
    service.close().catch((err: unknown) => (failure = err));
  };
  for (const s of signals) process.on(s, onSignal);
  return service.closed.then(() => {
    for (const s of signals) process.off(s, onSignal);
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    logger.info('shut down');
  });
}
