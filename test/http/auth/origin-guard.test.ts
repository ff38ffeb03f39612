/**
 * SPEC 11: no request from another origin acts on the operator's behalf. Over a real listening
 * service, with the Host and Origin a browser sends after a DNS rebinding or from another
 * site's page, and the body types an HTML form or a no-cors fetch can send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as remoteRequest } from '../../../src/cli/remote/client.js';
import { httpCall } from '../support/http-request.js';
import { startService, type TestService } from '../support/service.js';
import { SECRETS, TOKENS_CONF } from '../support/tokens.js';
import { openStream, refusedUpgrade } from '../support/ws-client.js';

const EVIL = 'http://evil.example';

describe('without tokens', () => {
  let s: TestService;
  let port: string;
  beforeAll(async () => {
    s = await startService({ listen: true });
    port = String(s.port);
  });
  afterAll(async () => s?.stop());

  const stateOf = (name: string) => s.loader.get(name).state;

  it('refuses a Host that is not a loopback name (DNS rebinding), reading or writing, and changes nothing', async () => {
    const before = s.loader.nextSeq;
    const unload = await httpCall(s.url, 'POST', '/modules/chan_sip/unload', { headers: { origin: EVIL, host: 'evil.example' } });
    expect(unload.status).toBe(403);
    expect(unload.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unload.json).toMatchObject({ code: 'host_refused', status: 403 });
    const read = await httpCall(s.url, 'GET', '/modules', { headers: { host: `evil.example:${port}` } });
    expect(read.json).toMatchObject({ code: 'host_refused', status: 403 });
    expect(await refusedUpgrade(s.url, '', { host: `evil.example:${port}` })).toBe(403);
    expect(stateOf('chan_sip')).toBe('running');
    expect(s.loader.nextSeq).toBe(before);
  });

  it('answers loopback names and addresses', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`, `127.1.2.3:${port}`, `console.localhost:${port}`]) {
      const answer = await httpCall(s.url, 'GET', '/modules', { headers: { host } });
      expect(answer.status, host).toBe(200);
    }
  });

  it('refuses a cross-origin Origin on a mutating request, even with a loopback Host', async () => {
    for (const origin of [EVIL, 'null', `http://127.0.0.1:${Number(port) + 1}`, `http://127.0.0.1`, `http://[::1]:${port}`]) {
      const answer = await httpCall(s.url, 'POST', '/modules/chan_sip/unload', { headers: { origin } });
      expect(answer.status, origin).toBe(403);
      expect(answer.json).toMatchObject({ code: 'origin_refused' });
    }
    const release = await httpCall(s.url, 'DELETE', `/users/${s.loader.users()[0]!.id}`, { headers: { origin: EVIL } });
    expect(release.json).toMatchObject({ code: 'origin_refused' });
    expect(stateOf('chan_sip')).toBe('running');
  });

  it('acts on a request from its own origin (the web console)', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const host = new URL(origin).host;
      const answer = await httpCall(s.url, 'POST', '/modules/func_cut/load', { headers: { origin, host } });
      expect(answer.status, origin).toBe(200);
    }
    expect(stateOf('func_cut')).toBe('running');
  });

  it('answers a cross-origin GET (the browser keeps the answer from the other page)', async () => {
    expect((await httpCall(s.url, 'GET', '/modules/chan_sip', { headers: { origin: EVIL } })).status).toBe(200);
  });

  it('refuses a cross-origin websocket and streams to a same-origin one', async () => {
    expect(await refusedUpgrade(s.url, '', { origin: EVIL })).toBe(403);
    const stream = await openStream(s.url, '?since=0', { origin: s.url });
    await stream.waitFor((m) => m.event === 'live');
    await stream.close();
  });

  it('refuses a mutating request whose body type a form or a no-cors fetch can send (415), and changes nothing', async () => {
    const before = s.loader.nextSeq;
    const types = ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'Text/Plain; charset=utf-8'];
    for (const type of types) {
      for (const body of ['', 'dry_run=true']) {
        const answer = await httpCall(s.url, 'POST', '/modules/func_cut/unload', { headers: { 'content-type': type }, body });
        expect(answer.status, `${type} ${JSON.stringify(body)}`).toBe(415);
        expect(answer.json).toMatchObject({ code: 'invalid_request', status: 415 });
      }
    }
    const untyped = await httpCall(s.url, 'POST', '/modules/func_cut/unload', { body: '{}' });
    expect(untyped.status).toBe(415);
    expect(stateOf('func_cut')).toBe('running');
    expect(s.loader.nextSeq).toBe(before);
  });

  it('takes a bodyless request without a content type (curl -XPOST, ari-client) and a JSON one', async () => {
    expect((await httpCall(s.url, 'POST', '/modules/func_cut/unload')).status).toBe(200);
    const json = await httpCall(s.url, 'POST', '/modules/func_cut/load', { headers: { 'content-type': 'application/json' }, body: '{"dry_run":false}' });
    expect(json.status).toBe(200);
    expect(stateOf('func_cut')).toBe('running');
  });

  it('takes text/plain where a route reads text and changes nothing (POST /manifests/check)', async () => {
    const answer = await httpCall(s.url, 'POST', '/manifests/check', { headers: { 'content-type': 'text/plain' }, body: '[module]\nname=x\n' });
    expect(answer.json.code).toBe('manifest_invalid');
  });

  it("keeps the CLI's remote client working", async () => {
    await expect(remoteRequest({ url: s.url }, 'POST', '/modules/func_cut/load', { dry_run: true })).resolves.toMatchObject({ dry_run: true });
    await expect(remoteRequest({ url: s.url }, 'POST', '/modules/func_cut/reload')).resolves.toMatchObject({ op: expect.any(String) });
  });
});

describe('with tokens, and an origin configured as allowed', () => {
  const CONSOLE = 'https://console.example.com';
  let s: TestService;
  const auth = { authorization: `Bearer ${SECRETS.operate}` };
  beforeAll(async () => {
    s = await startService({ config: { 'tokens.conf': TOKENS_CONF }, listen: true, allowOrigins: [CONSOLE] });
  });
  afterAll(async () => s?.stop());

  it('answers any Host (a name of a proxy in front of it)', async () => {
    expect((await httpCall(s.url, 'GET', '/modules', { headers: { ...auth, host: 'pbx.example.com' } })).status).toBe(200);
  });

  it('refuses a cross-origin request carrying a valid token', async () => {
    const answer = await httpCall(s.url, 'POST', '/modules/chan_sip/unload', { headers: { ...auth, origin: EVIL } });
    expect(answer.json).toMatchObject({ code: 'origin_refused', status: 403 });
    expect(await refusedUpgrade(s.url, `?token=${SECRETS.read}`, { origin: EVIL })).toBe(403);
    expect(s.loader.get('chan_sip').state).toBe('running');
  });

  it('acts on a request from the allowed origin', async () => {
    const answer = await httpCall(s.url, 'POST', '/modules/func_cut/load', { headers: { ...auth, origin: CONSOLE } });
    expect(answer.status).toBe(200);
    const stream = await openStream(s.url, `?since=0&token=${SECRETS.read}`, { origin: CONSOLE });
    await stream.waitFor((m) => m.event === 'live');
    await stream.close();
  });
});
