/** `/ari/api-docs/resources.json` and `/ari/api-docs/asterisk.json`: ARI's Swagger documents. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { asteriskDeclaration, resourceListing } from '../../src/http/ari/api-docs.js';
import { ariCredentials } from '../../src/http/ari/credentials.js';
import { AriQuery } from '../../src/http/ari/schemas.js';
import { API_VERSION } from '../../src/http/docs/openapi-options.js';
import type { RouteOptions } from '../../src/http/context.js';

export const ariDocRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app) => {
  // As in Asterisk, the documents need credentials like the resources they describe.
  const config = { role: 'read', authenticate: ariCredentials } as const;

  app.get('/api-docs/resources.json', {
    config,
    schema: { hide: true, querystring: AriQuery },
    handler: async (request) => resourceListing(API_VERSION, request.headers.host),
  });

  app.get('/api-docs/asterisk.json', {
    config,
    schema: { hide: true, querystring: AriQuery },
    handler: async (request) => asteriskDeclaration(API_VERSION, request.headers.host),
  });
};
