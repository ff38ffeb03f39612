/** `/providers`: the API registry with the ranked candidates for each entry (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { ProviderListSchema, ProviderQuery } from '../src/http/schemas/providers.js';
import type { RouteOptions } from '../src/http/context.js';

export const providerRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get('/providers', {
    config: { role: 'read' },
    schema: {
      tags: ['registry'],
      summary: 'Providers by type and name, best first; `active` marks what a `uses` resolves to now',
      querystring: ProviderQuery,
      response: answers({ 200: ProviderListSchema }),
    },
    handler: async (request) => ({ providers: context.loader.providers(request.query) }),
  });
};
