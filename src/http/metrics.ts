/**
 * The service's metrics (docs/operations.md lists them). Everything is counted from the start
 * in plain tallies (metrics/tally.ts) or read from the loader at scrape time; prom-client is
 * imported on the first `GET /metrics` only (metrics/exposition.ts), with Node's default
 * metrics under their standard names. Only the service's own metrics carry `modloader_`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoaderApi, OpLogEntry } from '../core/api.js';
import { MODULE_STATES, USER_KINDS } from '../core/types.js';
import type { HubObserver } from './events/hub.js';
import type { Exposition } from './metrics/exposition.js';
import { CounterTally, HistogramTally, type Sample } from './metrics/tally.js';
import { packageRoot } from './settings.js';

/** One metric as the exposition sees it: what it is and how to read its samples. */
export interface MetricDefinition {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples(): Sample[] | Promise<Sample[]>;
}

export interface Metrics {
  /** Feeds the hub's counts in. */
  hubObserver: HubObserver;
  /** Records one finished loader operation (subscribe it with `loader.subscribeOperations`). */
  observeOperation(entry: OpLogEntry): void;
  /** Records one answered HTTP request; `route` is the route's pattern, not the URL. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void;
  /** Records one config reload: `result` is `ok` or the error code. */
  observeConfigReload(result: string, seconds: number): void;
  /** The service's own metrics. */
  definitions: readonly MetricDefinition[];
  /** The exposition (prom-client), made on first use. */
  exposition(): Promise<Exposition>;
}

export interface MetricsSources {
  loader: () => LoaderApi;
  subscribers: () => number;
  /** Whether the service is ready (SPEC 9), and how long startup took once it is done. */
  readiness: () => { ready: boolean; startupSeconds: number | null };
  /** Node's default process metrics too (off in tests: they install observers). */
  processMetrics?: boolean | undefined;
}

const OPERATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label of requests that matched no route (so URLs never become label values). */
export const UNMATCHED_ROUTE = 'unmatched';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const gauge = (name: string, help: string, samples: () => Sample[]): MetricDefinition => ({ name, help, type: 'gauge', samples });
const counter = (name: string, help: string, samples: () => Sample[]): MetricDefinition => ({ name, help, type: 'counter', samples });
const histogram = (name: string, help: string, tally: HistogramTally): MetricDefinition => ({
  name,
  help,
  type: 'histogram',
  samples: () => tally.samples(name),
});
const one = (value: number): Sample[] => [{ labels: {}, value }];

export function createMetrics(sources: MetricsSources): Metrics {
  const operations = new CounterTally(['kind', 'result']);
  const operationDurations = new HistogramTally(['kind', 'result'], OPERATION_BUCKETS);
  const requests = new CounterTally(['method', 'route', 'status']);
  const requestDurations = new HistogramTally(['method', 'route'], HTTP_BUCKETS);
  const reloads = new CounterTally(['result']);
  const events = { published: 0, cutOff: 0, dropped: new CounterTally(['reason']) };
  const lastReload = { ok: 1, seconds: 0, successAt: Date.now() / 1000 };

  const definitions: MetricDefinition[] = [
    gauge('modloader_build_info', 'The running version (always 1)', () => [
      { labels: { version: packageVersion(), node_version: process.version }, value: 1 },
    ]),
    gauge('modloader_ready', 'Startup is done and every require module runs (1), or not (0)', () => one(sources.readiness().ready ? 1 : 0)),
    gauge('modloader_startup_duration_seconds', 'How long startup took (absent while it runs)', () => {
      const seconds = sources.readiness().startupSeconds;
      return seconds === null ? [] : one(seconds);
    }),
    gauge('modloader_modules', 'Modules by state', () => {
      const counts = new Map<string, number>(MODULE_STATES.map((s) => [s, 0]));
      for (const m of sources.loader().list()) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      return [...counts].map(([state, value]) => ({ labels: { state }, value }));
    }),
    gauge('modloader_module_running', 'Per module: running (1) or not (0)', () =>
      sources.loader().list().map((m) => ({ labels: { module: m.name }, value: m.state === 'running' ? 1 : 0 })),
    ),
    gauge('modloader_module_users', 'Per module: how many users hold it (its use count)', () =>
      sources.loader().list().map((m) => ({ labels: { module: m.name }, value: m.use_count })),
    ),
    gauge('modloader_modules_stale', 'Running modules whose binary changed on disk since they were loaded (SPEC 6.10)', () =>
      one(sources.loader().list().filter((m) => m.stale).length),
    ),
    gauge('modloader_users', 'Users by kind', () => {
      const counts = new Map<string, number>(USER_KINDS.map((k) => [k, 0]));
      for (const u of sources.loader().users()) counts.set(u.kind, (counts.get(u.kind) ?? 0) + 1);
      return [...counts].map(([kind, value]) => ({ labels: { kind }, value }));
    }),
    counter('modloader_operations_total', 'Loader operations by kind and result (ok or the error code)', () => operations.samples()),
    histogram('modloader_operation_duration_seconds', 'How long loader operations ran, from leaving the queue to their answer', operationDurations),
    counter('modloader_http_requests_total', 'HTTP requests answered, by method, route and status', () => requests.samples()),
    histogram('modloader_http_request_duration_seconds', 'How long HTTP requests took to answer, by method and route', requestDurations),
    counter('modloader_config_reloads_total', 'Config reloads by result (ok or the error code)', () => reloads.samples()),
    gauge('modloader_config_last_reload_successful', 'Whether the last config reload succeeded (1; also before any reload) or not (0)', () =>
      one(lastReload.ok),
    ),
    gauge('modloader_config_last_reload_duration_seconds', 'How long the last config reload took', () => one(lastReload.seconds)),
    gauge('modloader_config_last_reload_success_timestamp_seconds', 'When the config was last read successfully (startup or reload), in Unix seconds', () =>
      one(lastReload.successAt),
    ),
    gauge('modloader_event_subscribers', 'Open event stream subscriptions', () => one(sources.subscribers())),
    counter('modloader_events_published_total', 'Loader events published', () => one(events.published)),
    counter('modloader_events_dropped_total', 'Events not delivered: to a subscriber being cut off (slow_subscriber), or asked for with since= but no longer held (history_exhausted)', () => events.dropped.samples()),
    counter('modloader_subscribers_cut_off_total', 'Subscribers cut off for being too slow', () => one(events.cutOff)),
  ];

  let exposition: Promise<Exposition> | undefined;
  return {
    hubObserver: {
      published: () => void (events.published += 1),
      dropped: (reason, count) => events.dropped.inc([reason], count),
      cutOff: () => void (events.cutOff += 1),
    },
    observeOperation(entry) {
      const values = [entry.kind, entry.ok ? 'ok' : (entry.code ?? 'internal')];
      operations.inc(values);
      operationDurations.observe(values, entry.duration_ms / 1000);
    },
    observeRequest(method, route, status, seconds) {
      const label = route ?? UNMATCHED_ROUTE;
      requests.inc([method, label, String(status)]);
      requestDurations.observe([method, label], seconds);
    },
    observeConfigReload(result, seconds) {
      reloads.inc([result]);
      lastReload.ok = result === 'ok' ? 1 : 0;
      lastReload.seconds = seconds;
      if (result === 'ok') lastReload.successAt = Date.now() / 1000;
    },
    definitions,
    exposition() {
      exposition ??= import('./metrics/exposition.js').then((m) => m.createExposition(definitions, sources.processMetrics === true));
      return exposition;
    },
  };
}
