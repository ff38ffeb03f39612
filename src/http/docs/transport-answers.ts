/**
 * Writes into every operation of the OpenAPI document the error answers that come from the
 * transport rather than the route: 403 (a request from another origin, auth/origin-guard.ts),
 * 503 (shutting down, shutdown-gate.ts), 415 on every operation that changes something (a body
 * that is not JSON), 414 on every operation with a path parameter (a segment longer than the
 * router takes). Routes declare only their own answers (answers.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ProblemSchema } from '../schemas/problem.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Installs the `onRoute` hook (before any route is added). */
export function documentTransportAnswers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { response?: Record<number, unknown> } | undefined;
    if (!schema?.response) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const extra: Record<number, unknown> = { 403: ProblemSchema, 503: ProblemSchema };
    if (methods.some((m) => !SAFE_METHODS.has(m))) extra[415] = ProblemSchema;
    if (route.url.includes(':')) extra[414] = ProblemSchema;
    schema.response = { ...schema.response, ...extra };
  });
}
