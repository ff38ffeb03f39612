/**
 * The Prometheus text exposition, loaded on the first `GET /metrics` only: a prom-client
 * registry with Node's default metrics under their standard names (`process_*`, `nodejs_*`),
 * and the service's own metrics read from their tallies at each scrape. prom-client does the
 * formatting and escaping.
 */
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import type { MetricDefinition } from '../metrics.js';

const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface Exposition {
  contentType: string;
  render(): Promise<string>;
}

export function createExposition(definitions: readonly MetricDefinition[], processMetrics: boolean): Exposition {
  const registry = new Registry();
  if (processMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters, which the Prometheus text-format lint rejects; the same
    // counts are in nodejs_active_handles, nodejs_active_requests, nodejs_active_resources
    // (by type).
    for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name);
  }
  for (const definition of definitions) {
    const { name, help, type } = definition;
    // prom-client formats anything with a name, a help, a type and values from get().
    const metric = { name, help, type, get: async () => ({ name, help, type, aggregator: 'sum', values: await definition.samples() }) };
    registry.registerMetric(metric as unknown as Metric);
  }
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
