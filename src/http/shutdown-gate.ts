/**
 * While the service shuts down (every module unloading in reverse order, which may take a
 * while), it keeps listening and answers every new request 503 `shutting_down` as
 * problem+json, with `Retry-After` and `Connection: close`, instead of refusing connections or
 * acting on a loader that is going away. Requests already running finish.
 */
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problem.js';
import { RETRY_AFTER_S as RETRY } from './problem-codes.js';

/** Seconds a client is told to wait: about what a supervisor takes to start the service again. */
export const RETRY_AFTER_S = RETRY.shutting_down;

/**
 * Installs the gate: a `preClose` hook that shuts it (register it before any other preClose
 * hook, so it is shut for their whole run) and an `onRequest` hook that answers 503 once shut.
 * Fastify's own 503 (`return503OnClosing`, plain JSON) must be off.
 */
export function installShutdownGate(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('retry-after', String(RETRY_AFTER_S)).header('connection', 'close');
    throw new HttpProblem('shutting_down', `the service is shutting down; try again in ${RETRY_AFTER_S} s`);
  });
}
