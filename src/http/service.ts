/**
 * The one place the service is composed: read the config directory, refuse a non-loopback
 * address without tokens, scan the module directory, build the host and the loader, wire the
 * event hub, logging, metrics and startup progress to the loader's events, and build the app
 * ({@link composeService}); then run startup (SPEC 6.11, {@link Service.start}). `modloader
 * serve` listens in between, so the service answers (health, reads, events) while modules load.
 * Nothing listens here (server.ts does).
 */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { readConfigDir } from '../conf/config-dir.js';
import type { LoaderApi } from '../core/api.js';
import type { Policy } from '../core/policy.js';
import type { OpResult } from '../core/types.js';
import { errorFamily } from '../core/coded-error.js';
import { LoaderError } from '../core/errors.js';
import { Loader } from '../core/loader.js';
import { createNodeHost } from '../host/node-host.js';
import { ScannedBinaries } from '../host/scanned-binaries.js';
import { formatProblem } from '../manifest/problem.js';
import { parseManifest } from '../manifest/parse.js';
import { scanModuleDir } from '../manifest/scan.js';
import { formatManifest } from '../manifest/format.js';
import { type AppOptions, buildApp } from './app.js';
import { newBootId } from './boot-id.js';
import { assertListenAllowed } from './auth/listen-policy.js';
import { TokenStore } from './auth/token-store.js';
import type { ServiceContext } from './context.js';
import { logEvents } from './event-log.js';
import { EventHub } from './events/hub.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { ServeSettings } from './settings.js';
import { ManagerListener } from '../ami/listener.js';
import { ManagerConfError, readManagerConf } from '../ami/read-manager-conf.js';
import { configReloadOperation, rescanOperation, type DirectoryDeps } from './directory-operations.js';
import { readiness, StartupProgress, summarize, summaryLine } from './startup.js';

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
  /** This start's boot id (default: fresh, see {@link newBootId}). */
  bootId?: string | undefined;
  /** When this start began, ms since the epoch, for `uptime_s` (default: now). */
  startedAt?: number | undefined;
  /** Process-wide fault containment (SPEC 6.16) to charge module faults to this loader. */
  faults?: { attach(loader: LoaderApi): void } | undefined;
}

export { newBootId } from './boot-id.js';

export interface Service {
  app: FastifyInstance;
  loader: LoaderApi;
  hub: EventHub;
  tokens: TokenStore;
  metrics: Metrics;
  /** The AMI listener, when manager.conf enables it (listening once server.ts listens). */
  manager?: ManagerListener | undefined;
  startup: StartupProgress;
  /**
   * Runs startup (SPEC 6.11) and logs its summary line. Throws {@link ServiceStartError} naming
   * the `require` that failed (everything loaded is unloaded again; close the service then).
   */
  start(): Promise<StartupSummary>;
  /**
   * Stops taking requests (503), unloads everything in reverse order, ends the event streams,
   * lets in-flight requests finish and closes the server. Idempotent.
   */
  close(): Promise<void>;
  /** Whether close() has begun. */
  readonly closing: boolean;
  /** Settles once the service has closed, whoever closed it. */
  readonly closed: Promise<void>;
}

/** What startup did: modules running, declined and failed at its end, and how long it took. */
export interface StartupSummary {
  running: number;
  declined: number;
  failed: number;
  seconds: number;
  /** `startup done: N running, M declined, K failed in X s` */
  line: string;
}

/** Each finding about the config as one warning line naming its file and line. */
function logWarnings(logger: Logger, warnings: ReadonlyArray<{ file: string; line: number; message: string }> = []): void {
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line }, `${warning.file}:${warning.line}: ${warning.message}`);
}

/** Startup could not complete; `message` says what and where. */
export const SERVICE_START_CODES = {
  config_invalid: 'A config file has errors (each named with its file and line)',
  manager_conf_invalid: 'manager.conf cannot be used',
  require_failed: 'A required module could not be loaded',
} as const;

export class ServiceStartError extends errorFamily('ServiceStartError', SERVICE_START_CODES) {}

function configErrors(errors: ReadonlyArray<{ message: string }>): string {
  return errors.map((e) => `  ${e.message}`).join('\n');
}

/**
 * `startup failed: require=chan_dahdi (modules.conf:2): chan_dahdi: load() returned failure
 * [load_failed]`: which require failed, where it was declared, which module failed and why.
 */
function describeStartupFailure(err: LoaderError, policy: Policy, loader: LoaderApi): string {
  const failed = typeof err.details.module === 'string' ? err.details.module : undefined;
  const needs = (root: string): boolean => {
    const seen = new Set<string>();
    const stack = [root];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (name === failed) return true;
      if (seen.has(name) || !loader.has(name)) continue;
      seen.add(name);
      for (const dep of loader.get(name).dependencies) if (dep.provider) stack.push(dep.provider);
    }
    return false;
  };
  const required =
    policy.require.find((r) => failed !== undefined && needs(r.name)) ??
    policy.require.find((r) => !loader.has(r.name) || loader.get(r.name).state !== 'running');
  const which = required ? `require=${required.name} (${required.file}:${required.line}): ` : '';
  const reason = failed && !err.message.includes(failed) ? `${failed}: ${err.message}` : err.message;
  return `startup failed: ${which}${reason} [${err.code}]`;
}

/** Composes the service and runs its startup: for tests and tools that need it ready at once. */
export async function createService(options: ServiceOptions): Promise<Service> {
  const service = await composeService(options);
  try {
    await service.start();
  } catch (err) {
    await service.close();
    throw err;
  }
  return service;
}

/** Composes the service without running startup (see {@link Service.start}). */
export async function composeService(options: ServiceOptions): Promise<Service> {
  const { settings } = options;
  const logger = options.logger ?? pino({ level: 'silent' });

  const conf = await readConfigDir(settings.config);
  if (conf.errors.length > 0) {
    throw new ServiceStartError('config_invalid', `the config directory ${settings.config} has errors:\n${configErrors(conf.errors)}`);
  }
  logWarnings(logger, conf.policy.warnings);
  const tokens = new TokenStore(conf.tokens);
  assertListenAllowed(settings.host, tokens.enabled);
  if (!tokens.enabled) logger.warn({ host: settings.host }, 'no tokens in tokens.conf: no authentication, listening on loopback only');
  const managerConf = await readManagerConf(settings.config, logger).catch((err: unknown) => {
    throw err instanceof ManagerConfError ? new ServiceStartError('manager_conf_invalid', err.message, { reason: err.code }) : err;
  });

  // The scan's bytes serve the startup loads, so each binary is read once (dropped after).
  const scanned = new ScannedBinaries();
  const { scan, problems } = await scanModuleDir(settings.modules, { keep: scanned });
  for (const problem of problems) logger.warn({ problem }, `skipped manifest: ${formatProblem(problem)}`);

  const host = createNodeHost({ modulesDir: settings.modules, configDir: settings.config, logger, scanned });
  const bootId = options.bootId ?? newBootId();
  const loader: LoaderApi = new Loader({ host, scan, policy: conf.policy, loadTimeoutMs: settings.load_timeout_ms, bootId });
  const startup = new StartupProgress(loader);
  const metrics: Metrics = createMetrics({
    loader: () => loader,
    subscribers: () => hub.subscriberCount,
    readiness: () => ({ ready: readiness(startup, loader).ready, startupSeconds: startup.seconds() }),
    processMetrics: options.processMetrics,
  });
  const hub = new EventHub({
    historySize: settings.history,
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    nextSeq: () => loader.nextSeq,
    bootId,
    observer: metrics.hubObserver,
  });
  // While startup, a config reload or the shutdown runs, per-module lines go to debug: each
  // logs one summary line at info.
  let bulk: 'reload' | 'shutdown' | null = null;
  loader.subscribe(hub.publish);
  loader.subscribe(logEvents(logger, () => startup.state === 'running' || bulk !== null));
  loader.subscribe(startup.observe);
  loader.subscribeOperations(metrics.observeOperation);
  options.faults?.attach(loader);
  const manager = managerConf && new ManagerListener({ conf: managerConf, loader, logger, startedAt: Date.now() });

  const directories: DirectoryDeps = {
    settings,
    loader,
    tokens,
    metrics,
    logger,
    manager,
    async quietly(work) {
      bulk = 'reload';
      return work().finally(() => (bulk = null));
    },
  };
  const context: ServiceContext = {
    loader,
    hub,
    tokens,
    metrics,
    bootId,
    startedAt: options.startedAt ?? Date.now(),
    startup,
    rescan: rescanOperation(directories),
    reloadConfig: configReloadOperation(directories),
    lintManifest: (text) => parseManifest(text, 'body'),
    manifestText: formatManifest,
  };

  // Closing: new requests get 503, then everything unloads in reverse order while the event
  // streams still watch, then the streams end with `cut_off` (shutdown) and the server closes.
  const app = await buildApp(context, {
    ...options,
    logger,
    listenHost: settings.host,
    beforeClose: async () => {
      bulk = 'shutdown';
      const started = performance.now();
      const result = await loader.shutdown({ cause: 'shutdown' });
      const unloaded = result.plan.filter((step) => step.action === 'unload').length;
      logger.info(`shutdown done: ${unloaded} unloaded in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      hub.close();
      await manager?.close();
    },
  });
  let closing: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  return {
    app,
    loader,
    hub,
    tokens,
    metrics,
    manager,
    startup,
    async start() {
      startup.begin();
      try {
        const started = await loader.startup({ cause: 'startup' });
        startup.end(true);
        logWarnings(logger, started.warnings ?? []);
        for (const failure of started.failures ?? []) {
          logger.warn({ failure }, `startup: ${failure.module} did not load (${failure.code}): ${failure.message}`);
        }
        const counts = summarize(loader, started);
        const seconds = startup.seconds() ?? 0;
        const line = summaryLine('startup', counts, seconds);
        logger.info({ startup: startup.view() }, line);
        return { ...counts, seconds, line };
      } catch (err) {
        startup.end(false);
        const warnings = (err instanceof LoaderError ? err.details.warnings : undefined) as OpResult['warnings'];
        logWarnings(logger, warnings ?? []);
        const failure = err instanceof LoaderError ? new ServiceStartError('require_failed', describeStartupFailure(err, conf.policy, loader), { module: err.details.module, reason: err.code }, { cause: err }) : err;
        await loader.shutdown({ cause: 'startup_failed' }).catch(() => undefined);
        throw failure;
      } finally {
        // The scan's bytes served startup's first loads; later loads read their binaries.
        scanned.clear();
      }
    },
    close() {
      closing ??= (async () => {
        await app.close();
        // A request that was in flight when closing began may have queued a load after the
        // shutdown; nothing may keep running once closed.
        if (loader.list({ state: 'running' }).length > 0) {
          await loader.shutdown({ cause: 'shutdown' });
        }
      })().finally(markClosed);
      return closing;
    },
    get closing() {
      return closing !== undefined;
    },
    closed,
  };
}
