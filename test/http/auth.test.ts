/**
 * SPEC 11's roles on every route, generated from the OpenAPI document (which the guard writes
 * from each route's declared role), so a new route cannot be missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_THROTTLE } from '../../src/http/auth/failure-throttle.js';
import { ROLES, type Role } from '../../src/http/auth/roles.js';
import { generateDocuments } from '../../src/http/docs/documents.js';
import { call } from './support/call.js';
import { startService, type TestService } from './support/service.js';
import { SECRETS, TOKENS_CONF } from './support/tokens.js';
import { openStream, refusedUpgrade } from './support/ws-client.js';

let s: TestService;
beforeAll(async () => {
  // Hundreds of wrong tokens from one address: not slowed here (failure-throttle.test.ts is).
  s = await startService({ config: { 'tokens.conf': TOKENS_CONF }, listen: true, failureThrottle: { ...DEFAULT_FAILURE_THROTTLE, freeFailures: Infinity } });
});
afterAll(async () => s?.stop());

interface Operation {
  method: string;
  path: string;
  role: Role | 'public';
}

async function operations(): Promise<Operation[]> {
  const doc = (await generateDocuments()).openapi as {
    paths: Record<string, Record<string, { security?: Array<{ bearer: Role[] }> }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, role: op.security?.[0]?.bearer[0] ?? 'public' })),
  );
}

/** A concrete request for an operation: harmless arguments where the route takes any. */
function request(op: Operation): { url: string; body?: unknown; headers?: Record<string, string> } {
  const url = op.path.replace('{name}', op.path.startsWith('/actions') ? 'Nope' : 'func_cut').replace('{id}', 'u0');
  if (op.path === '/manifests/check') return { url, body: '[module]\nname=x\n', headers: { 'content-type': 'text/plain' } };
  if (op.path === '/modules/{name}/users' && op.method === 'POST') return { url, body: { holder: 'auth-test', dry_run: true } };
  if (/\/(load|unload|reload)$/.test(op.path) || op.path === '/users/{id}') return { url, body: { dry_run: true } };
  return { url };
}

const below = (role: Role): Role[] => ROLES.slice(0, ROLES.indexOf(role));

const ops = (await operations()).filter((op) => op.role !== 'public');

describe('every route that needs a role', () => {
  it('puts every state-changing route behind operate or admin', () => {
    const mutating = ops.filter((op) => op.method !== 'GET' && op.path !== '/manifests/check');
    expect(mutating.map((op) => `${op.method} ${op.path} ${op.role}`).sort()).toEqual([
      'DELETE /users/{id} operate',
      'POST /actions/{name} operate',
      'POST /config/reload admin',
      'POST /manifests/rescan admin',
      'POST /modules/{name}/load operate',
      'POST /modules/{name}/reload operate',
      'POST /modules/{name}/unload operate',
      'POST /modules/{name}/users operate',
    ]);
  });

  for (const op of ops) {
    describe(`${op.method} ${op.path} (${op.role})`, () => {
      it('answers 401 unauthorized without a token, with an unknown one, or with another scheme', async () => {
        const { url, ...rest } = request(op);
        for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${SECRETS.admin}`]) {
          const answer = await call(s.app, op.method, url, { ...rest, headers: { ...rest.headers, ...(authorization ? { authorization } : {}) } });
          expect(answer.status, String(authorization)).toBe(401);
          expect(answer.json.code).toBe('unauthorized');
          expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        }
      });

      for (const role of below(op.role as Role)) {
        it(`answers 403 forbidden to a ${role} token`, async () => {
          const { url, ...rest } = request(op);
          const answer = await call(s.app, op.method, url, { ...rest, token: SECRETS[role] });
          expect(answer.status).toBe(403);
          expect(answer.json).toMatchObject({ code: 'forbidden', required_role: op.role, role });
        });
      }

      it('lets a token with the role through', async () => {
        const { url, ...rest } = request(op);
        const answer = await call(s.app, op.method, url, { ...rest, token: SECRETS[op.role as Role] });
        expect([401, 403]).not.toContain(answer.status);
      });
    });
  }
});

describe('firm unload', () => {
  it('needs the admin role even though a soft unload needs operate', async () => {
    const operate = await call(s.app, 'POST', '/modules/res_rtp_asterisk/unload', { body: { force: true, dry_run: true }, token: SECRETS.operate });
    expect(operate.status).toBe(403);
    const admin = await call(s.app, 'POST', '/modules/res_rtp_asterisk/unload', { body: { force: true, dry_run: true }, token: SECRETS.admin });
    expect(admin.status).toBe(200);
  });
});

describe('public routes', () => {
  it('answer /health and the documents without a token', async () => {
    expect((await call(s.app, 'GET', '/health')).status).toBe(200);
    expect((await call(s.app, 'GET', '/openapi.json')).status).toBe(200);
    expect((await call(s.app, 'GET', '/asyncapi.json')).status).toBe(200);
  });
});

describe('the event stream over a real websocket', () => {
  it('refuses the upgrade without a token (401) or with a wrong one', async () => {
    expect(await refusedUpgrade(s.url)).toBe(401);
    expect(await refusedUpgrade(s.url, '?token=wrong')).toBe(401);
  });

  it('accepts a read token in the header, or as ?token= for browsers', async () => {
    const header = await openStream(s.url, '', { authorization: `Bearer ${SECRETS.read}` });
    const query = await openStream(s.url, `?token=${SECRETS.read}`);
    await Promise.all([header.close(), query.close()]);
  });

  it('takes ?token= only on the websocket', async () => {
    expect((await call(s.app, 'GET', `/modules?token=${SECRETS.admin}`)).status).toBe(401);
  });
});
