/** `/graph`: the dependency graph as JSON, or Graphviz DOT with `?format=dot` (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { graphToDot } from '../src/http/graph-dot.js';
import { GraphQuery, GraphSchema } from '../src/http/schemas/graph.js';
import type { RouteOptions } from '../src/http/context.js';

export const graphRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get('/graph', {
    config: { role: 'read' },
    schema: {
      tags: ['registry'],
      summary: 'Modules and their dependency edges',
      querystring: GraphQuery,
      response: answers({ 200: GraphSchema }),
    },
    handler: async (request, reply) => {
      const graph = context.loader.graph();
      if (request.query.format === 'dot') {
        return reply.type('text/vnd.graphviz; charset=utf-8').serializer((text: unknown) => String(text)).send(graphToDot(graph));
      }
      return graph;
    },
  });
};
