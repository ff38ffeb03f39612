/**
 * Health (public: for HEALTHCHECK, systemd, load balancers and probes) and `/metrics`.
 * `/health/live` answers while the process serves; `/health/ready` is 503 until startup is done
 * and every `require` module runs, saying what is missing; `/health` shows startup progress.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answers } from '../src/http/answers.js';
import { HttpProblem } from '../src/http/problem.js';
import { HealthSchema, LivenessSchema, ReadinessSchema } from '../src/http/schemas/health.js';
import { ProblemSchema } from '../src/http/schemas/problem.js';
import { readiness } from '../src/http/startup.js';
import type { RouteOptions } from '../src/http/context.js';

export const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const uptime = (): number => Math.round((Date.now() - context.startedAt) / 1000);

  app.get('/health', {
    config: { role: 'public' },
    schema: { tags: ['service'], summary: 'Status and startup progress (always 200 while serving)', response: answers({ 200: HealthSchema }) },
    handler: async () => {
      const ready = readiness(context.startup, context.loader);
      return {
        status: ready.ready ? ('ok' as const) : ready.code === 'starting' ? ('starting' as const) : ('not_ready' as const),
        boot_id: context.bootId,
        uptime_s: uptime(),
        modules_running: context.loader.list({ state: 'running' }).length,
        next_seq: context.loader.nextSeq,
        startup: context.startup.view(),
      };
    },
  });

  app.get('/health/live', {
    config: { role: 'public' },
    schema: { tags: ['service'], summary: 'Liveness: 200 while the process serves, also during startup', response: answers({ 200: LivenessSchema }) },
    handler: async () => ({ status: 'ok' as const, uptime_s: uptime() }),
  });

  app.get('/health/ready', {
    config: { role: 'public' },
    schema: {
      tags: ['service'],
      summary: 'Readiness: 200 once startup is done and every require module runs',
      description: 'Otherwise 503 `starting` (startup still runs) or `not_ready`, with `missing` (the require modules not running) and `startup`.',
      response: { ...answers({ 200: ReadinessSchema }), 503: ProblemSchema },
    },
    handler: async () => {
      const ready = readiness(context.startup, context.loader);
      if (!ready.ready) throw new HttpProblem(ready.code, ready.detail, { missing: ready.missing, startup: context.startup.view() });
      return {
        status: 'ready' as const,
        modules_running: context.loader.list({ state: 'running' }).length,
        startup_s: context.startup.view().elapsed_s,
      };
    },
  });

  app.get('/metrics', {
    config: { role: 'read' },
    schema: {
      tags: ['service'],
      summary: 'Prometheus metrics (text format)',
      response: answers({ 200: z.string() }),
    },
    handler: async (_request, reply) => {
      const exposition = await context.metrics.exposition();
      return reply.type(exposition.contentType).serializer((text: unknown) => String(text)).send(await exposition.render());
    },
  });
};
