/**
 * `/openapi.json` and `/asyncapi.json`: the service's documents, public like `/docs`. They are
 * the committed copies under `openapi/` (kept equal to what the code generates by a test),
 * read on first use rather than rebuilt at every boot.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { committedDocument } from '../src/http/docs/committed.js';
import type { RouteOptions } from '../src/http/context.js';

export const documentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app) => {
  for (const key of ['openapi', 'asyncapi'] as const) {
    app.get(`/${key}.json`, {
      config: { role: 'public' },
      schema: { hide: true },
      handler: async (_request, reply) => reply.type('application/json; charset=utf-8').send(await committedDocument(key)),
    });
  }
};
