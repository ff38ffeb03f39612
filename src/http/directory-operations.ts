/**
 * The two service operations that read the directories again while the service runs: a rescan
 * of the module directory (SPEC 6.10, hot install) and a reload of the config directory
 * (SPEC 6.15: the admin policy, tokens.conf and manager.conf's users). Each reads, refuses a
 * directory with errors (naming file and line, changing nothing), then hands the result to the
 * loader.
 */
import { relative } from 'node:path';
import type { Logger } from 'pino';
import type { ManagerListener } from '../ami/listener.js';
import { ManagerConfError, readManagerConf } from '../ami/read-manager-conf.js';
import { readConfigDir } from '../conf/config-dir.js';
import { isCodedError } from '../core/coded-error.js';
import type { LoaderApi } from '../core/api.js';
import { scanModuleDir } from '../manifest/scan.js';
import { isLoopback } from './auth/listen-policy.js';
import type { TokenStore } from './auth/token-store.js';
import type { ServiceContext } from './context.js';
import type { Metrics } from './metrics.js';
import { HttpProblem } from './problem.js';
import type { ServeSettings } from './settings.js';
import { summarize, summaryLine } from './startup.js';

export interface DirectoryDeps {
  settings: Pick<ServeSettings, 'modules' | 'config' | 'host'>;
  loader: LoaderApi;
  tokens: TokenStore;
  metrics: Metrics;
  logger: Logger;
  manager?: ManagerListener | undefined;
  /** Runs `work` with the per-module log lines at debug (the reload logs one summary line). */
  quietly<T>(work: () => Promise<T>): Promise<T>;
}

/** `POST /manifests/rescan`: problems name files relative to the module directory. */
export function rescanOperation(deps: DirectoryDeps): ServiceContext['rescan'] {
  return async (cause) => {
    const found = await scanModuleDir(deps.settings.modules);
    const result = await deps.loader.rescan(found.scan, { cause });
    // Clients need not learn server paths.
    const problems = found.problems.map((p) => ({ ...p, file: relative(deps.settings.modules, p.file) || '.' }));
    return { ...result, problems };
  };
}

/** `POST /config/reload`: the policy, tokens and AMI users, timed and counted for the metrics. */
export function configReloadOperation(deps: DirectoryDeps): ServiceContext['reloadConfig'] {
  const { settings, loader, tokens, metrics, logger, manager } = deps;
  return async (cause) => {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const next = await readConfigDir(settings.config);
      if (next.errors.length > 0) {
        throw new HttpProblem('invalid_request', `the config files have ${next.errors.length} error(s); nothing changed`, {
          errors: next.errors.map((e) => ({ file: e.file, line: e.line, code: e.code, message: e.detail })),
        });
      }
      if (next.tokens.length === 0 && !isLoopback(settings.host)) {
        throw new HttpProblem('invalid_request', `tokens.conf would have no clients while listening on ${settings.host}; nothing changed`);
      }
      const nextManager =
        manager &&
        (await readManagerConf(settings.config, logger).catch((err: unknown) => {
          throw err instanceof ManagerConfError ? new HttpProblem('invalid_request', `${err.message}\nnothing changed`) : err;
        }));
      const result = await deps.quietly(() => loader.setPolicy(next.policy, { cause }));
      tokens.replace(next.tokens);
      if (nextManager) manager.replaceUsers(nextManager.users);
      metrics.observeConfigReload('ok', seconds());
      logger.info({ req_id: cause }, summaryLine('config reload', summarize(loader, result), seconds()));
      return { ...result, warnings: [...next.policy.warnings, ...(result.warnings ?? [])], tokens: { count: tokens.size } };
    } catch (err) {
      metrics.observeConfigReload(isCodedError(err) ? err.code : 'internal', seconds());
      throw err;
    }
  };
}
