/**
 * `/metrics` in the Prometheus text format (prom-client), on a registry of its own so several
 * services (tests) never share counters:
 *
 * - `modloader_modules{state}`: modules by state, read from the loader at scrape time;
 * - `modloader_operations_total{kind,result}` and `modloader_operation_duration_seconds`:
 *   every loader operation, `result` being `ok` or the error code;
 * - `modloader_event_subscribers`, `modloader_events_published_total`,
 *   `modloader_events_dropped_total{reason}`, `modloader_subscribers_cut_off_total`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LoaderApi } from '../core/api.js';
import { MODULE_STATES } from '../core/types.js';
import type { HubObserver } from './events/hub.js';

export interface Metrics {
  registry: Registry;
  /** Feeds the hub's counts in. */
  hubObserver: HubObserver;
  /** Records one finished loader operation. */
  observeOperation(kind: string, result: string, seconds: number): void;
}

export interface MetricsSources {
  loader: () => LoaderApi;
  subscribers: () => number;
  /** Node process metrics too (off in tests: they start timers). */
  processMetrics?: boolean;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  if (sources.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'modloader_' });

  new Gauge({
    name: 'modloader_modules',
    help: 'Modules by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(MODULE_STATES.map((s) => [s, 0]));
      for (const m of sources.loader().list()) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const operations = new Counter({
    name: 'modloader_operations_total',
    help: 'Loader operations by kind and result (ok or the error code)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'modloader_operation_duration_seconds',
    help: 'How long loader operations took, queueing included',
    labelNames: ['kind', 'result'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'modloader_event_subscribers',
    help: 'Open event stream subscriptions',
    registers: [registry],
    collect() {
      this.set(sources.subscribers());
    },
  });
  const published = new Counter({ name: 'modloader_events_published_total', help: 'Loader events published', registers: [registry] });
  const dropped = new Counter({
    name: 'modloader_events_dropped_total',
    help: 'Events not delivered: to a subscriber being cut off (slow_subscriber), or asked for with since= but no longer held (history_exhausted)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const cutOff = new Counter({
    name: 'modloader_subscribers_cut_off_total',
    help: 'Subscribers cut off for being too slow',
    registers: [registry],
  });

  return {
    registry,
    hubObserver: {
      published: () => published.inc(),
      dropped: (reason, count) => dropped.inc({ reason }, count),
      cutOff: () => cutOff.inc(),
    },
    observeOperation(kind, result, seconds) {
      operations.inc({ kind, result });
      durations.observe({ kind, result }, seconds);
    },
  };
}
