/**
 * Bad input of every kind is answered 4xx with problem+json, and changes nothing: the module
 * states, the users, the event seq and the op log are the same before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type CallOptions } from './support/call.js';
import { startService, type TestService } from './support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

function snapshot() {
  return {
    modules: s.loader.list(),
    users: s.loader.users(),
    nextSeq: s.loader.nextSeq,
    ops: s.loader.opLog().length,
  };
}

const json = { 'content-type': 'application/json' };
const THREE_MB = JSON.stringify({ holder: 'x'.repeat(3 * 1024 * 1024) });
const NAMES: Array<[string, string]> = [
  ['a slash (encoded)', 'chan%2Fsip'],
  ['a parent reference', '..%2F..%2Fetc%2Fpasswd'],
  ['NUL', 'chan_sip%00'],
  ['1,000 characters', 'a'.repeat(1000)],
  ['a space', 'chan%20sip'],
  ['a wrong suffix', 'chan_sip.exe'],
];

const CASES: Array<[string, string, string, CallOptions, number, string]> = [
  ['a wrong type', 'POST', '/modules/func_cut/load', { body: { dry_run: 'yes' } }, 400, 'invalid_request'],
  ['an unknown field', 'POST', '/modules/func_cut/load', { body: { dry_run: true, now: true } }, 400, 'invalid_request'],
  ['an unknown field on unload', 'POST', '/modules/chan_sip/unload', { body: { force: false, everything: true } }, 400, 'invalid_request'],
  ['a body that is not an object', 'POST', '/modules/func_cut/load', { body: '"load it"', headers: json }, 400, 'invalid_request'],
  ['broken JSON', 'POST', '/modules/func_cut/load', { body: '{"dry_run":', headers: json }, 400, 'invalid_request'],
  ['an empty JSON body', 'POST', '/modules/func_cut/load', { body: '', headers: json }, 400, 'invalid_request'],
  ['a 3 MB body', 'POST', '/modules/func_cut/users', { body: THREE_MB, headers: json }, 413, 'payload_too_large'],
  ['a 3 MB manifest', 'POST', '/manifests/check', { body: 'x'.repeat(3 * 1024 * 1024), headers: { 'content-type': 'text/plain' } }, 413, 'payload_too_large'],
  ['a form body', 'POST', '/modules/func_cut/load', { body: 'dry_run=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'invalid_request'],
  ['a holder of the wrong type', 'POST', '/modules/func_cut/users', { body: { holder: ['a'] } }, 400, 'invalid_request'],
  ['a missing holder', 'POST', '/modules/func_cut/users', { body: {} }, 400, 'invalid_request'],
  ['a negative timeout', 'POST', '/modules/chan_sip/unload', { body: { force: true, timeout_ms: -1 } }, 400, 'invalid_request'],
  ['a fractional timeout', 'POST', '/modules/chan_sip/unload', { body: { force: true, timeout_ms: 1.5 } }, 400, 'invalid_request'],
  ['a user id with a slash', 'DELETE', '/users/u1%2F..', {}, 400, 'invalid_request'],
  ['a user id of 1,000 characters', 'DELETE', `/users/${'u'.repeat(1000)}`, {}, 400, 'invalid_request'],
  ['an unknown query parameter', 'GET', '/users?everything=1', {}, 400, 'invalid_request'],
  ['an unknown event name', 'GET', '/events?events=explode', {}, 400, 'invalid_request'],
  ['a negative since', 'GET', '/events?since=-4', {}, 400, 'invalid_request'],
  ['a bad percent-encoding', 'GET', '/modules/%E0%A4%A', {}, 400, 'invalid_request'],
  ...NAMES.flatMap(([what, name]): Array<[string, string, string, CallOptions, number, string]> => [
    [`a module name with ${what} (load)`, 'POST', `/modules/${name}/load`, {}, 400, 'invalid_request'],
    [`a module name with ${what} (firm unload)`, 'POST', `/modules/${name}/unload`, { body: { force: true } }, 400, 'invalid_request'],
    [`a module name with ${what} (manifest)`, 'GET', `/manifests/${name}`, {}, 400, 'invalid_request'],
  ]),
];

describe('bad input', () => {
  for (const [what, method, url, options, status, code] of CASES) {
    it(`answers ${status} ${code} to ${what}, changing nothing`, async () => {
      const before = snapshot();
      const answer = await call(s.app, method, url, options);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json).toMatchObject({ code, status, type: `urn:modloader:problem:${code}`, request_id: expect.any(String) });
      expect(snapshot()).toEqual(before);
    });
  }

  it('lists the failing fields of an invalid request', async () => {
    const answer = await call(s.app, 'POST', '/modules/chan_sip/unload', { body: { force: 'yes', timeout_ms: 'soon' } });
    expect(answer.json.fields.map((f: { in: string; path: string }) => `${f.in}.${f.path}`).sort()).toEqual(['body.force', 'body.timeout_ms']);
  });

  it('names an unknown field', async () => {
    const answer = await call(s.app, 'POST', '/modules/func_cut/load', { body: { dry_run: true, now: true } });
    expect(answer.json.detail).toContain('now');
  });

  it('answers a name longer than any route allows 414, changing nothing', async () => {
    const before = snapshot();
    const answer = await call(s.app, 'POST', `/modules/${'a'.repeat(5000)}/load`);
    expect(answer.status).toBe(414);
    expect(answer.json.code).toBe('invalid_request');
    expect(snapshot()).toEqual(before);
  });

  it('answers a bare .. (the path collapses to /load) 404 not_found, changing nothing', async () => {
    const before = snapshot();
    for (const url of ['/modules/../load', '/modules/%2E%2E/load']) {
      expect((await call(s.app, 'POST', url)).json).toMatchObject({ status: 404, code: 'not_found' });
    }
    expect(snapshot()).toEqual(before);
  });
});
