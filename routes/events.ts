/**
 * `GET /events`: the event stream over a websocket (SPEC 10). Query: `events=` and `module=`
 * filters, `since=` (and `boot=`) to resume, `token=` for clients that cannot send headers.
 * Messages are the loader's events plus the stream's `hello`, `live`, `gap`, `heartbeat` and
 * final `cut_off` (see
 * docs/events.md and /asyncapi.json). A plain GET without the upgrade is 426.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { answers } from '../src/http/answers.js';
import { compileFilter } from '../src/http/events/filter.js';
import { websocketSink } from '../src/http/events/websocket-sink.js';
import { HttpProblem } from '../src/http/problem.js';
import { EventStreamQuery } from '../src/http/schemas/events.js';
import type { RouteOptions } from '../src/http/context.js';

export const eventRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context, closeGraceMs }) => {
  app.route({
    method: 'GET',
    url: '/events',
    config: { role: 'read', queryToken: true },
    schema: {
      tags: ['service'],
      summary: 'The event stream (websocket upgrade); messages are described by /asyncapi.json',
      querystring: EventStreamQuery,
      response: answers({ 101: z.null().describe('Switching to the websocket protocol') }, [426]),
    },
    handler: async () => {
      throw new HttpProblem('invalid_request', 'GET /events is a websocket: send the upgrade headers', {}, 426);
    },
    wsHandler: (socket, request) => {
      const { events, module, since, boot } = request.query;
      // The upgraded request's TCP socket: the sink writes each turn's frames to it at once.
      const subscription = context.hub.subscribe(websocketSink(socket, closeGraceMs, request.raw.socket), {
        filter: compileFilter({ events, module }),
        since,
        boot,
      });
      socket.on('close', () => subscription.close());
      socket.on('message', () => {
        // The stream is one-way; whatever a client sends is ignored.
      });
    },
  });
};
