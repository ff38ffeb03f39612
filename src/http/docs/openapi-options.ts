/**
 * How the OpenAPI document is made: @fastify/swagger collects the routes, the zod type
 * provider turns their zod schemas into JSON Schema (named ones from the API registry become
 * components), and {@link finishOpenApi} adds what route schemas cannot say: the text
 * alternatives of two routes and which request bodies are optional.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { apiRegistry } from '../schemas/registry.js';

export const API_VERSION = '1.0.0';

/** Operations that also answer text, by path and method. */
const TEXT_ALTERNATIVES: Record<string, { method: string; type: string; when: string }> = {
  '/manifests/{name}': { method: 'get', type: 'text/plain', when: 'with `Accept: text/plain`: the manifest as INI text' },
  '/graph': { method: 'get', type: 'text/vnd.graphviz', when: 'with `?format=dot`: Graphviz DOT' },
};

/** Route schemas mark an optional body with this extension; it is removed from the document. */
export const OPTIONAL_BODY = 'x-optional-body';

type Operation = {
  requestBody?: { required?: boolean };
  responses?: Record<string, { content?: Record<string, unknown>; description?: string }>;
  [key: string]: unknown;
};
type OpenApiDocument = { paths?: Record<string, Record<string, Operation>>; [key: string]: unknown };

export function finishOpenApi<T extends OpenApiDocument>(document: T): T {
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation[OPTIONAL_BODY] === true) {
        if (operation.requestBody) operation.requestBody.required = false;
        delete operation[OPTIONAL_BODY];
      }
      const alternative = TEXT_ALTERNATIVES[path];
      const ok = operation.responses?.['200'];
      if (alternative && alternative.method === method && ok) {
        ok.content = { ...ok.content, [alternative.type]: { schema: { type: 'string' } } };
        ok.description = `${ok.description ?? 'OK'}; ${alternative.when}`;
      }
    }
  }
  return document;
}

const transformObject = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'modloader management API',
      version: API_VERSION,
      description:
        'Drive and watch the module loader: list and inspect modules, load and unload them (soft and firm), hold them, ' +
        'see why they run, read manifests and the API registry, reload the admin policy. Errors are ' +
        'application/problem+json with a stable `code`. The event stream (`GET /events`, a websocket) is described by ' +
        '`/asyncapi.json`.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A secret of tokens.conf. Roles: read < operate < admin; each operation lists the role it needs. ' +
            'No token is needed when tokens.conf has no clients (the service then only listens on loopback).',
        },
      },
    },
    tags: [
      { name: 'modules', description: 'Modules and their lifecycle' },
      { name: 'users', description: 'Who holds what' },
      { name: 'manifests', description: 'Manifests: read, rescan, lint' },
      { name: 'registry', description: 'The API registry and the dependency graph' },
      { name: 'config', description: 'The admin policy' },
      { name: 'actions', description: 'Manager actions registered by modules (after AMI)' },
      { name: 'service', description: 'Liveness, documents, metrics and the event stream' },
    ],
  },
  transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] }),
  transformObject: (input) => finishOpenApi(transformObject(input) as OpenApiDocument) as ReturnType<typeof transformObject>,
};
