/**
 * The AsyncAPI 3.0 document of the event stream, generated from the same zod schemas as the
 * stream's messages (schemas/events.ts): one message per loader event and per control message,
 * the query parameters as the websocket binding, and only the component schemas they reach.
 */
import { z } from 'zod';
import { EVENT_NAMES } from '../../core/types.js';
import { CLOSE_GOING_AWAY, CLOSE_SLOW_SUBSCRIBER } from '../events/hub.js';
import { EVENT_SCHEMAS, EventStreamQuery, CutOffSchema, GapSchema, HeartbeatSchema, HelloSchema, LiveSchema } from '../schemas/events.js';
import { apiRegistry } from '../schemas/registry.js';
import { API_VERSION } from './openapi-options.js';

type Json = Record<string, unknown>;

const componentRef = (id: string): string => `#/components/schemas/${id}`;

/** Every `$ref` target id inside `value`. */
function refsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice('#/components/schemas/'.length));
      else refsIn(v, out);
    }
  }
}

function idOf(schema: z.ZodType): string {
  const id = apiRegistry.get(schema)?.id;
  if (!id) throw new Error('an event schema has no id in the API registry');
  return id;
}

export function buildAsyncApi(): Json {
  const all = z.toJSONSchema(apiRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    metadata: apiRegistry,
    unrepresentable: 'any',
    uri: componentRef,
  }).schemas as Record<string, Json>;

  const messages: Array<{ key: string; id: string; summary: string }> = [
    ...EVENT_NAMES.map((name) => ({ key: name, id: idOf(EVENT_SCHEMAS[name]), summary: apiRegistry.get(EVENT_SCHEMAS[name])?.description ?? name })),
    ...[HelloSchema, LiveSchema, GapSchema, HeartbeatSchema, CutOffSchema].map((schema) => {
      const id = idOf(schema);
      return { key: id.replace(/^Stream_/, ''), id, summary: apiRegistry.get(schema)?.description ?? id };
    }),
  ];

  // The component schemas the messages reach, transitively.
  const wanted = new Set<string>();
  const queue = messages.map((m) => m.id);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (wanted.has(id)) continue;
    wanted.add(id);
    const found = new Set<string>();
    refsIn(all[id], found);
    queue.push(...found);
  }
  const schemas: Record<string, Json> = {};
  for (const id of [...wanted].sort()) {
    const { $schema: _schema, id: _id, ...body } = all[id] ?? {};
    schemas[id] = body;
  }

  const { $schema: _s, ...query } = z.toJSONSchema(EventStreamQuery, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: apiRegistry,
    unrepresentable: 'any',
  }) as Json;

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'modloader event stream',
      version: API_VERSION,
      description:
        'Every loader event as one JSON object per websocket message: `seq` (strictly increasing, no gaps), `time`, ' +
        '`event`, `module`, `op` (the operation, as returned by the REST call that started it), `cause` (the request id, ' +
        'or the module whose unload cascaded) and the fields of the event. Control messages without `seq`: `hello` ' +
        '(always first: the boot id and the next seq), `live` (after a replay), `gap` (events asked for with `since=` ' +
        'that cannot be sent: no longer held, or of an earlier boot), `heartbeat`, and `cut_off`, ' +
        `the last message before the server closes the stream (close code ${CLOSE_SLOW_SUBSCRIBER} for a subscriber too slow ` +
        `to keep up, ${CLOSE_GOING_AWAY} at shutdown). The stream needs a token with the read role when tokens are configured: ` +
        '`Authorization: Bearer <secret>`, or `?token=<secret>` for browsers.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:8088', protocol: 'ws', description: 'The default `modloader serve` address.' },
    },
    channels: {
      events: {
        address: '/events',
        title: 'Loader events',
        messages: Object.fromEntries(messages.map((m) => [m.key, { $ref: `#/components/messages/${m.key}` }])),
        bindings: { ws: { method: 'GET', query, bindingVersion: '0.1.0' } },
      },
    },
    operations: {
      streamEvents: {
        action: 'send',
        title: 'The service sends events to subscribers',
        channel: { $ref: '#/channels/events' },
        messages: messages.map((m) => ({ $ref: `#/channels/events/messages/${m.key}` })),
        security: [{ $ref: '#/components/securitySchemes/bearer' }, { $ref: '#/components/securitySchemes/token' }],
      },
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A secret of tokens.conf with the read role (not needed when tokens.conf has no clients).',
        },
        token: { type: 'httpApiKey', name: 'token', in: 'query', description: 'The same secret as `?token=`, for browsers.' },
      },
      messages: Object.fromEntries(
        messages.map((m) => [m.key, { name: m.key, summary: m.summary, payload: { $ref: componentRef(m.id) } }]),
      ),
      schemas,
    },
  };
}
