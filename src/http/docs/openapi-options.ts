/**
 * How the OpenAPI document is made: @fastify/swagger collects the routes, the zod type
 * provider turns their zod schemas into JSON Schema (named ones from the API registry become
 * components), and {@link finishOpenApi} adds what route schemas cannot say: the text
 * alternatives of two routes, which request bodies are optional, an `operationId` for every
 * operation, `security: []` on public ones and the problem answered for any other status.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { STATUS_BY_CODE } from '../problem.js';
import { apiRegistry } from '../schemas/registry.js';

export const API_VERSION = '1.0.0';

/** Operations that answer text, by path and method: besides JSON (`when`), or only. */
const TEXT_ANSWERS: Record<string, { method: string; type: string; when?: string }> = {
  '/manifests/{name}': { method: 'get', type: 'text/plain', when: 'with `Accept: text/plain`: the manifest as INI text' },
  '/graph': { method: 'get', type: 'text/vnd.graphviz', when: 'with `?format=dot`: Graphviz DOT' },
  '/metrics': { method: 'get', type: 'text/plain; version=0.0.4' },
};

const SUCCESS_TEXT: Record<string, string> = { '101': 'Switching Protocols', '200': 'OK', '201': 'Created' };

/**
 * An optional body's schema accepts null (fastify validates an absent body as null); the
 * document says "not required" instead.
 */
function withoutNull(schema: Record<string, unknown>): Record<string, unknown> {
  const anyOf = schema.anyOf as Array<Record<string, unknown>> | undefined;
  if (!anyOf) return schema;
  const rest = anyOf.filter((s) => s.type !== 'null');
  const { anyOf: _anyOf, ...outer } = schema;
  return rest.length === 1 ? { ...outer, ...rest[0] } : { ...outer, anyOf: rest };
}

/** Error statuses described by the codes they carry (the status table of problem.ts). */
function errorDescription(status: string): string {
  const codes = Object.entries(STATUS_BY_CODE)
    .filter(([, s]) => String(s) === status)
    .map(([code]) => `\`${code}\``);
  if (status === '414') codes.push('`invalid_request` (a path segment longer than 2,048 characters)');
  if (status === '415') codes.push('`invalid_request` (unsupported media type)');
  if (status === '426') codes.push('`invalid_request` (not a websocket upgrade)');
  return `Problem: ${codes.join(', ')}`;
}

/**
 * The operationId of a route, derived the same way for every route: the method, then the
 * path's words in camel case, a word before a parameter made singular and parameters left out.
 * `GET /modules` is `getModules`, `GET /modules/{name}` `getModule`, `POST
 * /modules/{name}/load` `postModuleLoad`, `DELETE /users/{id}` `deleteUser`, `GET
 * /health/ready` `getHealthReady`.
 */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const words: string[] = [];
  segments.forEach((segment, i) => {
    if (segment.startsWith('{') || segment.startsWith(':')) return;
    const beforeParam = segments[i + 1]?.startsWith('{') === true || segments[i + 1]?.startsWith(':') === true;
    const word = beforeParam ? segment.replace(/ies$/, 'y').replace(/s$/, '') : segment;
    words.push(...word.split(/[^A-Za-z0-9]+/).filter((w) => w !== ''));
  });
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** Route schemas mark an optional body with this extension; it is removed from the document. */
export const OPTIONAL_BODY = 'x-optional-body';

type Operation = {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, unknown>; description?: string }>;
  [key: string]: unknown;
};
type OpenApiDocument = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Record<string, unknown>>; [key: string]: unknown };
  [key: string]: unknown;
};

const COMPONENT = '#/components/schemas/';

/** Every component id `value` refers to. */
function refsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT)) out.add(v.slice(COMPONENT.length));
      else refsIn(v, out);
    }
  }
}

/** Keeps only the component schemas the paths reach, without `$schema`/`$id` noise, sorted. */
function pruneComponents(document: OpenApiDocument): void {
  const all = document.components?.schemas;
  if (!all) return;
  const reached = new Set<string>();
  const fromPaths = new Set<string>();
  refsIn(document.paths, fromPaths);
  const queue = [...fromPaths];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id) || !all[id]) continue;
    reached.add(id);
    const next = new Set<string>();
    refsIn(all[id], next);
    queue.push(...next);
  }
  const kept: Record<string, Record<string, unknown>> = {};
  for (const id of [...reached].sort()) {
    const { $schema: _schema, $id: _id, ...body } = all[id]!;
    kept[id] = body;
  }
  document.components!.schemas = kept;
}

/**
 * Finishes the generated document: optional bodies, text alternatives, and only the component
 * schemas the operations use.
 */
export function finishOpenApi<T extends OpenApiDocument>(document: T): T {
  const ids = new Map<string, string>();
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      const id = operationIdOf(method, path);
      if (ids.has(id)) throw new Error(`${method} ${path} and ${ids.get(id)} would share the operationId ${id}`);
      ids.set(id, `${method} ${path}`);
      operation.operationId ??= id;
      // The guard writes the role of every other route; these need no token.
      operation.security ??= [];
      if (operation[OPTIONAL_BODY] === true) {
        if (operation.requestBody) {
          operation.requestBody.required = false;
          for (const media of Object.values(operation.requestBody.content ?? {})) {
            if (media.schema) media.schema = withoutNull(media.schema);
          }
        }
        delete operation[OPTIONAL_BODY];
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400) {
          response.description = errorDescription(status);
          const json = response.content?.['application/json'];
          if (json) response.content = { 'application/problem+json': json };
        } else {
          response.description = SUCCESS_TEXT[status] ?? response.description;
        }
      }
      operation.responses ??= {};
      operation.responses.default = {
        description: 'Problem: any other error, e.g. `internal_error` (500), or 503 while the service shuts down',
        content: { 'application/problem+json': { schema: { $ref: `${COMPONENT}Problem` } } },
      };
      const text = TEXT_ANSWERS[path];
      const ok = operation.responses?.['200'];
      if (text && text.method === method && ok) {
        const textContent = { [text.type]: { schema: { type: 'string' } } };
        ok.content = text.when ? { ...ok.content, ...textContent } : textContent;
        if (text.when) ok.description = `OK; ${text.when}`;
      }
    }
  }
  pruneComponents(document);
  return document;
}

const transformObject = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'modloader management API',
      version: API_VERSION,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Drive and watch the module loader: list and inspect modules, load and unload them (soft and firm), hold them, ' +
        'see why they run, read manifests and the API registry, reload the admin policy. Errors are ' +
        'application/problem+json with a stable `code`. The event stream (`GET /events`, a websocket) is described by ' +
        '`/asyncapi.json`.',
    },
    servers: [
      { url: '/', description: 'The service that serves this document' },
      { url: 'http://127.0.0.1:8088', description: 'The default address of `modloader serve`' },
    ],
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
      { name: 'service', description: 'Health, documents, metrics and the event stream' },
    ],
  },
  transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] }),
  transformObject: (input) => finishOpenApi(transformObject(input) as OpenApiDocument) as ReturnType<typeof transformObject>,
};
