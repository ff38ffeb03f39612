/** `/graph`: the dependency graph as JSON, or Graphviz DOT with `?format=dot` (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { graphToDot } from '../src/http/graph-dot.js';
import { type GraphAnswer, GraphQuery, GraphSchema } from '../src/http/schemas/graph.js';
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
      const { loader } = context;
      const core = loader.graph();
      if (request.query.format === 'dot') {
        return reply.type('text/vnd.graphviz; charset=utf-8').serializer((text: unknown) => String(text)).send(graphToDot(core));
      }
      // The core's nodes do not say `stale`; the detail of a module with a live instance does.
      const live = (state: string): boolean => state === 'running' || state === 'unloading';
      const graph: GraphAnswer = {
        ...core,
        nodes: core.nodes.map((node) => ({ ...node, stale: live(node.state) && loader.get(node.name).stale })),
      };
      return graph;
    },
  });
};
