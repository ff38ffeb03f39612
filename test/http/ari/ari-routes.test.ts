/**
 * ARI's answers over plain HTTP, as curl sees them: statuses, bodies and headers of Asterisk's
 * shape, its two ways of giving credentials mapped onto tokens.conf, and the api-docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocuments } from '../../../src/http/docs/documents.js';
import { redactUrl } from '../../../src/http/logger.js';
import { DEFAULT_FAILURE_THROTTLE } from '../../../src/http/auth/failure-throttle.js';
import { startService, type TestService } from '../support/service.js';
import { SECRETS, TOKENS_CONF } from '../support/tokens.js';

let s: TestService;
beforeAll(async () => {
  // Several wrong credentials on purpose: not slowed here (failure-throttle.test.ts is).
  s = await startService({ listen: true, config: { 'tokens.conf': TOKENS_CONF }, failureThrottle: { ...DEFAULT_FAILURE_THROTTLE, freeFailures: Infinity } });
});
afterAll(async () => s?.stop());

const basic = (user: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
});

async function ari(method: string, path: string, headers: Record<string, string> = basic('oncall', SECRETS.admin)) {
  const response = await fetch(`${s.url}/ari${path}`, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('ARI credentials', () => {
  it('takes basic auth and api_key=user:secret of a tokens.conf client, and a bearer token', async () => {
    expect((await ari('GET', '/asterisk/modules/chan_sip', basic('viewer', SECRETS.read))).status).toBe(200);
    expect((await ari('GET', `/asterisk/modules/chan_sip?api_key=viewer:${SECRETS.read}`, {})).status).toBe(200);
    expect((await ari('GET', '/asterisk/modules/chan_sip', { authorization: `Bearer ${SECRETS.read}` })).status).toBe(200);
  });

  it("answers 401 with ARI's body and a basic challenge without credentials or with wrong ones", async () => {
    for (const headers of [{}, basic('viewer', 'wrong'), basic('oncall', SECRETS.read), { authorization: 'Basic !!' }]) {
      const answer = await ari('GET', '/asterisk/modules', headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      expect(answer.json).toEqual({ message: expect.stringMatching(/^Authentication required/) });
    }
    expect((await ari('GET', `/api-docs/resources.json?api_key=viewer:nope`, {})).status).toBe(401);
    expect((await ari('GET', `/asterisk/modules?api_key=${SECRETS.read}`, {})).status).toBe(401);
  });

  it('maps the roles: reading needs read, load/unload/reload need operate (403 otherwise)', async () => {
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const answer = await ari(method, '/asterisk/modules/func_cut', basic('viewer', SECRETS.read));
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ message: expect.stringContaining('operate role') });
    }
  });

  it('keeps api_key secrets out of logged URLs', () => {
    expect(redactUrl('/ari/asterisk/modules?api_key=viewer:s3cret&x=1')).toBe('/ari/asterisk/modules?api_key=[redacted]&x=1');
  });
});

describe('ARI module operations', () => {
  it('answers 204 for a load, unload and reload done, with no body', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await ari(method, '/asterisk/modules/func_groupcount.so');
      expect(answer, method).toMatchObject({ status: 204, text: '' });
    }
    expect(s.loader.get('func_groupcount').state).toBe('available');
  });

  it('answers 404 for a module it does not know, and for unload and reload of one not running', async () => {
    expect(await ari('GET', '/asterisk/modules/chan_nope')).toMatchObject({ status: 404, json: { message: 'no module named chan_nope' } });
    expect((await ari('POST', '/asterisk/modules/chan_nope')).status).toBe(404);
    expect(await ari('DELETE', '/asterisk/modules/func_uri')).toMatchObject({ status: 404, json: { message: 'func_uri is not running' } });
    expect((await ari('PUT', '/asterisk/modules/func_uri')).status).toBe(404);
  });

  it('answers 409 with the reason when a module cannot be loaded or unloaded', async () => {
    expect(await ari('POST', '/asterisk/modules/app_system')).toMatchObject({ status: 409, json: { message: expect.stringContaining('neverload') } });
    // app_dial runs for the dialplan, not the admin: nothing to release
    const inUse = await ari('DELETE', '/asterisk/modules/app_dial');
    expect(inUse).toMatchObject({ status: 409, json: { message: expect.stringContaining('dialplan') } });
    expect(s.loader.get('app_dial').state).toBe('running');
  });

  it("answers 409 when the admin's use was released but other users keep the module running", async () => {
    expect((await ari('POST', '/asterisk/modules/func_cut')).status).toBe(204);
    const hold = await s.loader.addUser('func_cut', { holder: 'ari-test' });
    const answer = await ari('DELETE', '/asterisk/modules/func_cut');
    expect(answer).toMatchObject({ status: 409, json: { message: expect.stringContaining('external ari-test') } });
    expect(s.loader.users({ module: 'func_cut' }).map((u) => u.kind)).toEqual(['external']);
    await s.loader.releaseUser(hold.user!.id);
    expect(s.loader.get('func_cut').state).toBe('available');
  });

  it('answers 400 with a message for input that is not a module name, and 404 for unknown resources', async () => {
    expect(await ari('GET', '/asterisk/modules/a..b')).toMatchObject({ status: 400, json: { message: expect.any(String) } });
    expect(await ari('GET', '/asterisk/channels')).toMatchObject({ status: 404, json: { message: expect.any(String) } });
    expect(await ari('GET', '/asterisk/modules/')).toMatchObject({ status: 400, json: { message: expect.any(String) } });
  });
});

describe('ARI api-docs', () => {
  it('serves the resource listing and the asterisk declaration with basePath from Host', async () => {
    const listing = await ari('GET', '/api-docs/resources.json');
    const host = new URL(s.url).host;
    expect(listing.json).toMatchObject({ swaggerVersion: '1.1', basePath: `http://${host}/ari`, apis: [{ path: '/api-docs/asterisk.{format}' }] });
    const declaration = (await ari('GET', '/api-docs/asterisk.json')).json as {
      basePath: string;
      apis: Array<{ path: string; operations: Array<{ httpMethod: string; nickname: string }> }>;
      models: { Module: { properties: Record<string, unknown> } };
    };
    expect(declaration.basePath).toBe(`http://${host}/ari`);
    expect(declaration.apis.flatMap((a) => a.operations.map((o) => `${o.httpMethod} ${a.path} ${o.nickname}`))).toEqual([
      'GET /asterisk/modules listModules',
      'GET /asterisk/modules/{moduleName} getModule',
      'POST /asterisk/modules/{moduleName} loadModule',
      'DELETE /asterisk/modules/{moduleName} unloadModule',
      'PUT /asterisk/modules/{moduleName} reloadModule',
    ]);
    expect(Object.keys(declaration.models.Module.properties)).toEqual(['name', 'description', 'use_count', 'status', 'support_level']);
  });

  it('keeps the ARI routes out of the OpenAPI document', async () => {
    const { openapi } = await generateDocuments();
    expect(Object.keys((openapi as { paths: object }).paths).filter((p) => p.startsWith('/ari'))).toEqual([]);
  });
});

describe('ARI without tokens (loopback only)', () => {
  it('needs no credentials, like the rest of the service', async () => {
    const open = await startService({ listen: true });
    try {
      const response = await fetch(`${open.url}/ari/asterisk/modules/chan_sip`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status: string }).status).toBe('Running');
    } finally {
      await open.stop();
    }
  });
});
