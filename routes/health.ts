/** `/health` (liveness, public: for HEALTHCHECK and load balancers) and `/metrics`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answers } from '../src/http/answers.js';
import { HealthSchema } from '../src/http/schemas/health.js';
import type { RouteOptions } from '../src/http/context.js';

export const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get('/health', {
    config: { role: 'public' },
    schema: { tags: ['service'], summary: 'Liveness', response: answers({ 200: HealthSchema }) },
    handler: async () => ({
      status: 'ok' as const,
      boot_id: context.bootId,
      uptime_s: Math.round((Date.now() - context.startedAt) / 1000),
      modules_running: context.loader.list({ state: 'running' }).length,
      next_seq: context.loader.nextSeq,
    }),
  });

  app.get('/metrics', {
    config: { role: 'read' },
    schema: {
      tags: ['service'],
      summary: 'Prometheus metrics (text format)',
      response: answers({ 200: z.string() }),
    },
    handler: async (_request, reply) => {
      const { registry } = context.metrics;
      return reply.type(registry.contentType).serializer((text: unknown) => String(text)).send(await registry.metrics());
    },
  });
};
