/** `/auth/whoami`: the role of the caller's token, for clients that adapt to it (the console). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { WhoamiSchema } from '../src/http/schemas/auth.js';
import type { RouteOptions } from '../src/http/context.js';

export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get('/auth/whoami', {
    config: { role: 'read' },
    schema: {
      tags: ['service'],
      summary: "The caller's client name and role (any valid token may ask)",
      response: answers({ 200: WhoamiSchema }),
    },
    handler: async (request) => {
      // The guard authenticates every route that is not public before its handler runs.
      const { client } = request;
      if (!client) throw new Error('GET /auth/whoami ran without an authenticated client');
      return { client: client.name, role: client.role, tokens_enabled: context.tokens.enabled };
    },
  });
};
