/**
 * The one place the service is composed: read the config directory, refuse a non-loopback
 * address without tokens, scan the module directory, build the host and the loader, wire the
 * event hub, logging and metrics to the loader's events, run startup (SPEC 6.11), and build
 * the app. Nothing listens here (server.ts does).
 */
import { relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { readConfigDir } from '../conf/config-dir.js';
import type { LoaderApi } from '../core/api.js';
import type { Policy } from '../core/policy.js';
import { LoaderError } from '../core/errors.js';
import { Loader } from '../core/loader.js';
import { createNodeHost } from '../host/node-host.js';
import { ScannedBinaries } from '../host/scanned-binaries.js';
import { formatProblem } from '../manifest/problem.js';
import { parseManifest } from '../manifest/parse.js';
import { scanModuleDir } from '../manifest/scan.js';
import { writeManifest } from '../manifest/write.js';
import { type AppOptions, buildApp } from './app.js';
import { assertListenAllowed, isLoopback } from './auth/listen-policy.js';
import { TokenStore } from './auth/token-store.js';
import type { ServiceContext } from './context.js';
import { logEvents } from './event-log.js';
import { EventHub } from './events/hub.js';
import { instrumentLoader } from './instrumented-loader.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { ServeSettings } from './settings.js';

export interface ServiceOptions extends AppOptions {
  settings: Pick<ServeSettings, 'modules' | 'config' | 'host' | 'history' | 'load_timeout_ms'>;
  /** Default: a silent logger. */
  logger?: Logger | undefined;
  /** Unsent bytes after which a stream subscriber is cut off (default 4 MiB). */
  maxBufferedBytes?: number | undefined;
  /** Heartbeat interval of the event stream; 0 disables (default 15 s). */
  heartbeatMs?: number | undefined;
  /** Node process metrics on /metrics (default off). */
  processMetrics?: boolean | undefined;
}

export interface Service {
  app: FastifyInstance;
  /** The loader, instrumented for the metrics. */
  loader: LoaderApi;
  hub: EventHub;
  tokens: TokenStore;
  metrics: Metrics;
  /**
   * Stops taking requests (503), unloads everything in reverse order, ends the event streams,
   * lets in-flight requests finish and closes the server. Idempotent.
   */
  close(): Promise<void>;
}

/** Startup could not complete; `message` says what and where. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
}

function configErrors(errors: ReadonlyArray<{ message: string }>): string {
  return errors.map((e) => `  ${e.message}`).join('\n');
}

/**
 * `startup failed: require=chan_dahdi (modules.conf:2): chan_dahdi: load() returned failure
 * [load_failed]`: which require failed, where it was declared, which module failed and why.
 */
function describeStartupFailure(err: LoaderError, policy: Policy, loader: LoaderApi): string {
  const failed = typeof err.details.module === 'string' ? err.details.module : undefined;
  const required = policy.require.find((r) => !loader.has(r.name) || loader.get(r.name).state !== 'running');
  const which = required ? `require=${required.name} (${required.file}:${required.line}): ` : '';
  const reason = failed && !err.message.includes(failed) ? `${failed}: ${err.message}` : err.message;
  return `startup failed: ${which}${reason} [${err.code}]`;
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const { settings } = options;
  const logger = options.logger ?? pino({ level: 'silent' });

  const conf = await readConfigDir(settings.config);
  if (conf.errors.length > 0) {
    throw new ServiceStartError(`the config directory ${settings.config} has errors:\n${configErrors(conf.errors)}`);
  }
  for (const warning of conf.policy.warnings) {
    logger.warn({ file: warning.file, line: warning.line }, `${warning.file}:${warning.line}: ${warning.message}`);
  }
  const tokens = new TokenStore(conf.tokens);
  assertListenAllowed(settings.host, tokens.enabled);
  if (!tokens.enabled) logger.warn({ host: settings.host }, 'no tokens in tokens.conf: no authentication, listening on loopback only');

  // The scan's bytes serve the startup loads, so each binary is read once (dropped after).
  const scanned = new ScannedBinaries();
  const { scan, problems } = await scanModuleDir(settings.modules, { keep: scanned });
  for (const problem of problems) logger.warn({ problem }, `skipped manifest: ${formatProblem(problem)}`);

  const host = createNodeHost({ modulesDir: settings.modules, configDir: settings.config, logger, scanned });
  const core = new Loader({ host, scan, policy: conf.policy, loadTimeoutMs: settings.load_timeout_ms });
  const metrics: Metrics = createMetrics({
    loader: () => core,
    subscribers: () => hub.subscriberCount,
    processMetrics: options.processMetrics,
  });
  const hub = new EventHub({
    historySize: settings.history,
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    nextSeq: () => core.nextSeq,
    observer: metrics.hubObserver,
  });
  core.subscribe(hub.publish);
  core.subscribe(logEvents(logger));
  const loader = instrumentLoader(core, metrics.observeOperation);

  try {
    const started = await loader.startup({ cause: 'startup' });
    for (const failure of started.failures ?? []) {
      logger.warn({ failure }, `startup: ${failure.module} did not load (${failure.code}): ${failure.message}`);
    }
  } catch (err) {
    const failure = err instanceof LoaderError ? new ServiceStartError(describeStartupFailure(err, conf.policy, loader), { cause: err }) : err;
    hub.close();
    await loader.shutdown({ cause: 'startup_failed' }).catch(() => undefined);
    throw failure;
  } finally {
    scanned.clear();
  }

  const context: ServiceContext = {
    loader,
    hub,
    tokens,
    metrics,
    startedAt: Date.now(),
    async rescan(cause) {
      const found = await scanModuleDir(settings.modules);
      const result = await loader.rescan(found.scan, { cause });
      // Files are named relative to the module directory: clients need not learn server paths.
      const problems = found.problems.map((p) => ({ ...p, file: relative(settings.modules, p.file) || p.file }));
      return { ...result, problems };
    },
    async reloadConfig(cause) {
      const next = await readConfigDir(settings.config);
      if (next.errors.length > 0) {
        throw new LoaderError('invalid_request', `the config files have ${next.errors.length} error(s); nothing changed`, {
          errors: next.errors.map((e) => ({ file: e.file, line: e.line, code: e.code, message: e.detail })),
        });
      }
      if (next.tokens.length === 0 && !isLoopback(settings.host)) {
        throw new LoaderError('invalid_request', `tokens.conf would have no clients while listening on ${settings.host}; nothing changed`);
      }
      const result = await loader.setPolicy(next.policy, { cause });
      tokens.replace(next.tokens);
      return { ...result, warnings: next.policy.warnings, tokens: { count: tokens.size } };
    },
    lintManifest: (text) => parseManifest(text, 'body'),
    manifestText: writeManifest,
  };

  // Closing: new requests get 503, then everything unloads in reverse order while the event
  // streams still watch, then the streams end with `cut_off` (shutdown) and the server closes.
  const app = await buildApp(context, {
    ...options,
    logger,
    beforeClose: async () => {
      await loader.shutdown({ cause: 'shutdown' });
      hub.close();
    },
  });
  let closing: Promise<void> | undefined;
  return {
    app,
    loader,
    hub,
    tokens,
    metrics,
    close() {
      closing ??= (async () => {
        await app.close();
        // A request that was in flight when closing began may have queued a load after the
        // shutdown; nothing may keep running once closed.
        if (loader.list({ state: 'running' }).length > 0) {
          await loader.shutdown({ cause: 'shutdown' });
        }
      })();
      return closing;
    },
  };
}
