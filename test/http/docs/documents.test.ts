import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../src/core/types.js';
import { DOCUMENT_FILES, documentText, generateDocuments } from '../../../src/http/docs/documents.js';
import { packageRoot } from '../../../src/http/settings.js';

const documents = await generateDocuments();
const openapi = documents.openapi as {
  paths: Record<
    string,
    Record<string, { security?: unknown; operationId?: string; responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
};
const asyncapi = documents.asyncapi as { channels: { events: { messages: Record<string, unknown> } } };

/** SPEC 9's table, as method and OpenAPI path. */
const SPEC_ROUTES = [
  'get /modules',
  'get /modules/{name}',
  'post /modules/{name}/load',
  'post /modules/{name}/unload',
  'post /modules/{name}/reload',
  'get /modules/{name}/why',
  'get /modules/{name}/users',
  'post /modules/{name}/users',
  'get /users',
  'delete /users/{id}',
  'get /manifests',
  'get /manifests/{name}',
  'post /manifests/rescan',
  'post /manifests/check',
  'get /providers',
  'get /graph',
  'get /config',
  'post /config/reload',
  'get /events',
  'get /health',
  'get /health/live',
  'get /health/ready',
];

const PUBLIC = new Set(['/health', '/health/live', '/health/ready']);

describe('the committed documents', () => {
  for (const key of ['openapi', 'asyncapi'] as const) {
    it(`openapi/${DOCUMENT_FILES[key]} is what the code generates (run \`npm run openapi\` when this fails)`, async () => {
      const committed = await readFile(join(packageRoot(), 'openapi', DOCUMENT_FILES[key]), 'utf8');
      expect(committed).toBe(documentText(documents[key]));
    });
  }
});

describe('the OpenAPI document', () => {
  it('documents every route of SPEC 9', () => {
    const documented = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(documented).toEqual(expect.arrayContaining(SPEC_ROUTES));
  });

  it('states the role of every operation, and that the health checks need none', () => {
    for (const [path, methods] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (PUBLIC.has(path)) expect(operation.security, path).toEqual([]);
        else expect(operation.security, `${method} ${path}`).toEqual([{ bearer: [expect.stringMatching(/^(read|operate|admin)$/)] }]);
      }
    }
  });

  it('names every operation after its method and path', () => {
    const ids = Object.fromEntries(
      Object.entries(openapi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => [`${m} ${path}`, op.operationId])),
    );
    expect(ids).toMatchObject({
      'get /modules': 'getModules',
      'get /modules/{name}': 'getModule',
      'post /modules/{name}/load': 'postModuleLoad',
      'get /modules/{name}/users': 'getModuleUsers',
      'delete /users/{id}': 'deleteUser',
      'post /manifests/rescan': 'postManifestsRescan',
      'get /health/ready': 'getHealthReady',
    });
    expect(new Set(Object.values(ids)).size).toBe(Object.keys(ids).length);
  });
});

describe('the AsyncAPI document', () => {
  it('has a message for every loader event and every control message of the stream', () => {
    expect(Object.keys(asyncapi.channels.events.messages)).toEqual([...EVENT_NAMES, 'hello', 'live', 'gap', 'heartbeat', 'cut_off']);
  });
});

describe('the OpenAPI document lists the answers of the transport', () => {
  const operations = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

  it('lists 414 on every operation with a path parameter, and only there', () => {
    for (const { path, method, op } of operations) {
      expect(op.responses['414'] !== undefined, `${method} ${path}`).toBe(path.includes('{'));
    }
  });

  it('lists 415 on every operation that changes something, and only there', () => {
    for (const { path, method, op } of operations) {
      expect(op.responses['415'] !== undefined, `${method} ${path}`).toBe(method !== 'get');
    }
  });

  it('lists 403 (a request from another origin) and 503 (shutting down) everywhere, as problem+json', () => {
    for (const { path, method, op } of operations) {
      for (const status of ['403', '503']) {
        expect(Object.keys(op.responses[status]?.content ?? {}), `${status} ${method} ${path}`).toEqual(['application/problem+json']);
      }
    }
  });
});
