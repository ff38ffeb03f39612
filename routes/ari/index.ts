/**
 * ARI (Asterisk's REST interface) under `/ari`, so ARI clients work unchanged: the modules of
 * the `asterisk` resource and the `api-docs` they are built from. Answers and errors are
 * ARI's, not this service's: JSON bodies, `{"message": …}` errors, 204 for a done operation,
 * 401 with a basic-auth challenge. Every route declares its role like the others; credentials
 * are ARI's (basic auth or `api_key=user:secret`, see src/http/ari/credentials.ts). The routes
 * are described by their own api-docs, so they are hidden from the OpenAPI document.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toProblem } from '../../src/http/problem.js';
import { ARI_REALM } from '../../src/http/ari/credentials.js';
import type { RouteOptions } from '../../src/http/context.js';
import { ariDocRoutes } from './api-docs.js';
import { ariModuleRoutes } from './modules.js';

const ari: FastifyPluginAsyncZod<RouteOptions> = async (app, options) => {
  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'ARI request failed');
    if (problem.status === 401) reply.header('www-authenticate', `Basic realm="${ARI_REALM}"`);
    // Sent as text: ARI's error body, not the problem+json the guard documents for 401 and 403.
    return reply.code(problem.status).type('application/json; charset=utf-8').send(JSON.stringify({ message: problem.detail }));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/json; charset=utf-8').send({ message: `no ARI resource ${request.method} ${request.url.split('?')[0]}` }),
  );
  // ARI clients send POST, PUT and DELETE without a body, some still naming a JSON type.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      (err as { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });
  // Not `options` itself: it carries the `/ari` prefix, which the children inherit anyway.
  const { context, closeGraceMs } = options;
  await app.register(ariDocRoutes, { context, closeGraceMs });
  await app.register(ariModuleRoutes, { context, closeGraceMs });
};

export const ariRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, options) => {
  await app.register(ari, { ...options, prefix: '/ari' });
};
