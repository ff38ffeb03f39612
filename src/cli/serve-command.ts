/**
 * `modloader serve` (SPEC 8): read the settings once, listen (the early listener answers
 * health while fastify, zod and the service are imported: serve-early.ts), compose the service
 * and hand it the server, then run startup while already answering (health with progress,
 * reads, the event stream; changes are 503 `starting` until it is done), tell systemd when ready, and on SIGTERM/SIGINT shut down
 * gracefully and exit 0. Exit 2 for bad settings; 1 when startup fails (a `require`d module
 * that cannot load is named with its reason) or the address is refused (not loopback without
 * tokens) or taken, and after the graceful shutdown that a fault no module can be charged with
 * causes; 70 when the runaway watchdog ends the process (SPEC 6.16, serve-faults.ts).
 */
import { closeOnSignals, listen, localUrl, publishUrl } from '../http/server.js';
import { ListenRefusedError } from '../http/auth/listen-policy.js';
import type { EarlyListener } from '../http/early/early-listener.js';
import type { Service } from '../http/service.js';
import { readServeSettings, SettingsError } from '../http/settings.js';
import type { CliIO } from './io.js';
import { listenEarly } from './serve-early.js';
import { notifyReady } from './systemd-notify.js';

export const SERVE_HELP = `Usage: modloader serve [--modules DIR] [--config DIR] [--host HOST] [--port PORT] [--log-level LEVEL]
                       [--url-file FILE] [--allow-origin ORIGIN]...

  --modules DIR      module directory (MODLOADER_MODULES; default: the checkout's modules/)
  --config DIR       config directory with modules.conf, extensions.conf, extconfig.conf,
                     tokens.conf (MODLOADER_CONFIG; default: the checkout's config/)
  --host HOST        address to listen on (MODLOADER_HOST; default 127.0.0.1). Any address
                     other than loopback needs clients in tokens.conf.
  --port PORT        port (MODLOADER_PORT; default 8088)
  --log-level LEVEL  fatal, error, warn, info, debug, trace or silent (MODLOADER_LOG_LEVEL; default info)
  --url-file FILE    once listening, write the local URL of the service into FILE, removed at
                     exit (MODLOADER_URL_FILE): for health checks that cannot know the port
  --allow-origin ORIGIN
                     a web origin (https://console.example.com) whose pages may load, unload
                     and stream, besides the service's own; repeatable (MODLOADER_ALLOW_ORIGINS,
                     comma-separated; default none)

Also MODLOADER_HISTORY (events kept for since=, default 10000) and MODLOADER_LOAD_TIMEOUT_MS
(default 10000). Logs are JSON lines on stdout, pretty on a terminal. The service listens
first (GET /health/live answers at once; other requests wait until the service is built), then
loads the modules: GET /health shows startup progress, /health/ready answers 200 once startup
is done and every require module runs. Under systemd (Type=notify) it reports
readiness with systemd-notify.

Exit status: 0 after SIGTERM/SIGINT; 1 when startup fails, or after the graceful shutdown that
a fault no module can be charged with causes; 2 for wrong settings; 70 when a module kept the
main thread busy longer than the load timeout (docs/operations.md).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SERVE_HELP);
    return 0;
  }
  let settings;
  try {
    settings = readServeSettings(argv, process.env);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    io.err(`modloader serve: ${err.message}\n\n${SERVE_HELP}`);
    return 2;
  }

  // Listening comes first: the health routes answer while the rest is imported and the app
  // built (docs/operations.md, "The first instants"). Nothing above imports fastify, zod or pino.
  const early: { listener?: EarlyListener | undefined; error?: unknown } = await listenEarly(settings).then(
    (listener) => ({ listener }),
    (error: unknown) => ({ error }),
  );
  const [{ createLogger }, { containServeFaults }, { composeService, ServiceStartError }] = await Promise.all([
    import('../http/logger.js'),
    import('./serve-faults.js'),
    import('../http/service.js'),
  ]);
  const logger = createLogger({ level: settings.log_level });
  const faults = containServeFaults(settings, logger, io);
  let service: Service;
  try {
    if ('error' in early) throw early.error;
    service = await composeService({
      settings,
      logger,
      processMetrics: true,
      allowOrigins: settings.allow_origins,
      faults: faults.containment,
      serverFactory: early.listener?.serverFactory,
      bootId: early.listener?.bootId,
      startedAt: early.listener?.startedAt,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Expected refusals are said plainly; anything else is logged with its stack.
    if (err instanceof ServiceStartError || err instanceof ListenRefusedError) logger.fatal(message);
    else logger.fatal({ err }, message);
    io.err(`modloader serve: ${message}`);
    await early.listener?.close();
    return faults.end(1);
  }

  try {
    // Fastify logs the one "Server listening at" line (adopting the early listener's socket).
    const { port, url, manager } = await listen(service, settings);
    const counts = early.listener?.handOver();
    if (counts) logger.debug({ early: counts }, `the app took over from the early listener: ${counts.answered} answered, ${counts.handedOver} handed over, ${counts.refused} refused`);
    logger.info({ console: `${url}/`, docs: `${url}/docs` }, `web console at ${url}/, API docs at ${url}/docs`);
    if (manager) logger.info({ ami: manager }, `AMI listening on ${manager.host}:${manager.port}`);
    if (settings.url_file) await publishUrl(service, settings.url_file, localUrl(settings.host, port));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, message);
    io.err(`modloader serve: ${message}`);
    await early.listener?.close();
    await service.close();
    return faults.end(1);
  }

  const stopped = closeOnSignals(service, logger).then(() => 0);
  const unattributable = faults.shutdownOnUnattributable(service);
  logger.info({ modules: settings.modules, config: settings.config, tokens: service.tokens.size }, 'startup: loading modules');
  try {
    const summary = await service.start();
    if (!service.closing) await notifyReady(summary.line, logger);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ServiceStartError) logger.fatal(message);
    else logger.fatal({ err }, message);
    io.err(`modloader serve: ${message}`);
    await service.close();
    await stopped.catch(() => undefined);
    return faults.end(1);
  }

  // Closing for an unattributable fault also ends `stopped`: its status (1) is the one that counts.
  const status = await Promise.race([stopped, unattributable]);
  return faults.end(faults.unattributable ? await unattributable : status);
}
