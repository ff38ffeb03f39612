/** Counts every answered request for the metrics, by method, route pattern and status. */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';

export function installRequestMetrics(app: FastifyInstance, metrics: () => Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics().observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
