/**
 * What the routes work with: the loader and the few service operations that touch files
 * (rescan, config reload, manifest lint and text). The routes never see fastify's instance
 * beyond registering themselves, and the loader never sees fastify at all.
 */
import type { LoaderApi, RescanSummary } from '../core/api.js';
import type { Manifest } from '../core/manifest.js';
import type { OpResult } from '../core/types.js';
import type { ManifestProblem } from '../manifest/problem.js';
import type { TokenStore } from './auth/token-store.js';
import type { EventHub } from './events/hub.js';
import type { Metrics } from './metrics.js';
import type { StartupProgress } from './startup.js';

export interface RescanAnswer extends OpResult {
  rescan: RescanSummary;
  problems: ManifestProblem[];
}

export interface ConfigReloadAnswer extends OpResult {
  warnings: Array<{ file: string; line: number; message: string }>;
  tokens: { count: number };
}

export interface ServiceContext {
  loader: LoaderApi;
  hub: EventHub;
  tokens: TokenStore;
  metrics: Metrics;
  /** Scans the module directory again and applies it (SPEC 6.10). */
  rescan(cause: string): Promise<RescanAnswer>;
  /**
   * Re-reads the config directory and applies the policy and tokens. Throws an
   * `invalid_request` LoaderError with `errors` (each naming file and line) when a file is
   * wrong; the previous policy then stays.
   */
  reloadConfig(cause: string): Promise<ConfigReloadAnswer>;
  /** Parses manifest text (never throws). */
  lintManifest(text: string): { ok: true; manifest: Manifest } | { ok: false; errors: ManifestProblem[] };
  /** The manifest as INI text. */
  manifestText(manifest: Manifest): string;
  /** Milliseconds since the epoch when the service started. */
  startedAt: number;
  /** How far startup got; the service answers while it runs. */
  startup: StartupProgress;
  /** This start of the service (SPEC 10): in user ids, /health and the stream's hello. */
  bootId: string;
}


/** What every route plugin is registered with. */
export interface RouteOptions {
  context: ServiceContext;
  /** How long a closing event stream waits for the peer. */
  closeGraceMs: number;
}
