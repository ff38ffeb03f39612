/**
 * While startup runs, the service answers reads (and the event stream) but refuses
 * state-changing requests (the routes of the `operate` and `admin` roles) with 503 `starting`
 * and `Retry-After`, instead of queueing them behind a startup that may take long or fail.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from './auth/roles.js';
import { HttpProblem } from './problem.js';
import { ProblemSchema } from './schemas/problem.js';
import type { StartupProgress } from './startup.js';

const CHANGING: ReadonlySet<Role | 'public' | undefined> = new Set(['operate', 'admin']);

/** Installs the gate on `app` (after the guard: a request without a valid token is still 401). */
export function installStartupGate(app: FastifyInstance, startup: () => StartupProgress): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { response?: Record<number, unknown> } | undefined;
    if (CHANGING.has(route.config?.role) && schema?.response) schema.response = { ...schema.response, 503: ProblemSchema };
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!CHANGING.has(request.routeOptions.config.role)) return;
    const progress = startup();
    if (progress.state !== 'running') return;
    reply.header('retry-after', '1');
    throw new HttpProblem('starting', 'the service is starting: state-changing requests are answered once startup is done', {
      startup: progress.view(),
    });
  });
}
