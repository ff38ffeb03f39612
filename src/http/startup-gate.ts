/**
 * While startup runs, the service answers reads (and the event stream) at once and holds
 * state-changing requests (the routes of the `operate` and `admin` roles) until startup is done,
 * then lets them through in arrival order: a client that sends a change as soon as the port
 * opens gets its answer, after startup, as it would from a service that listened only then.
 * Should startup fail (a `require` cannot load, the service then exits), they are answered 503
 * `starting` with `Retry-After`.
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
    if (progress.state === 'running') await progress.ended;
    if (progress.state !== 'failed') return;
    reply.header('retry-after', '1');
    throw new HttpProblem('starting', 'startup failed: the service is shutting down', { startup: progress.view() });
  });
}
