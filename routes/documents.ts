/** `/openapi.json` and `/asyncapi.json`: the service's documents, public like `/docs`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { buildAsyncApi } from '../src/http/docs/asyncapi.js';
import type { RouteOptions } from '../src/http/context.js';

export const documentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app) => {
  const asyncapi = buildAsyncApi();

  app.get('/openapi.json', {
    config: { role: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });

  app.get('/asyncapi.json', {
    config: { role: 'public' },
    schema: { hide: true },
    handler: async () => asyncapi,
  });
};
