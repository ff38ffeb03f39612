import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('POST /modules/{name}/users', () => {
  it('makes an external hold, loading the module, and answers 201 with its id and location', async () => {
    const answer = await call(s.app, 'POST', '/modules/func_uri/users', { body: { holder: 'backup-job' } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ id: expect.any(String), state: 'running', user: { kind: 'external', holder: 'backup-job' } });
    expect(answer.headers.location).toBe(`/users/${answer.json.id}`);
    await call(s.app, 'DELETE', `/users/${answer.json.id}`);
  });

  it('with dry_run answers 200 and the plan, making nothing', async () => {
    const answer = await call(s.app, 'POST', '/modules/func_uri/users', { body: { holder: 'x', dry_run: true } });
    expect(answer.status).toBe(200);
    expect(answer.json.dry_run).toBe(true);
    expect(s.loader.users({ holder: 'x' })).toEqual([]);
  });

  it('refuses a holder that is empty, too long or not printable', async () => {
    for (const holder of ['', 'x'.repeat(129), 'tab\there', 42]) {
      const answer = await call(s.app, 'POST', '/modules/func_uri/users', { body: { holder } });
      expect(answer.status, JSON.stringify(holder)).toBe(400);
    }
  });

  it('answers 404 unknown_module for a module that does not exist', async () => {
    expect(problemCode(await call(s.app, 'POST', '/modules/nope/users', { body: { holder: 'x' } }))).toBe('unknown_module');
  });

  it('keeps the module running after the admin lets go, and says who holds it', async () => {
    await call(s.app, 'POST', '/modules/func_cut/load');
    const hold = await call(s.app, 'POST', '/modules/func_cut/users', { body: { holder: 'report' } });
    const unload = await call(s.app, 'POST', '/modules/func_cut/unload');
    expect(unload.json).toMatchObject({ state: 'running', users: [expect.objectContaining({ id: hold.json.id, holder: 'report' })] });
    const release = await call(s.app, 'DELETE', `/users/${hold.json.id}`);
    expect(release.json.state).toBe('available');
  });
});

describe('GET /modules/{name}/users and GET /users', () => {
  it("lists one module's users", async () => {
    const answer = await call(s.app, 'GET', '/modules/app_dial/users');
    expect(answer.status).toBe(200);
    expect(answer.json.users.map((u: { kind: string }) => u.kind).sort()).toEqual(['config', 'dialplan', 'dialplan']);
  });

  it('lists every user, filtered by kind and holder', async () => {
    const all = await call(s.app, 'GET', '/users');
    expect(all.json.users.length).toBe(s.loader.users().length);
    const dialplan = await call(s.app, 'GET', '/users?kind=dialplan');
    expect(dialplan.json.users.length).toBeGreaterThan(0);
    expect(dialplan.json.users.every((u: { kind: string }) => u.kind === 'dialplan')).toBe(true);
    const admin = await call(s.app, 'GET', '/users?holder=admin');
    expect(admin.json.users.map((u: { module: string }) => u.module)).toEqual(['chan_sip']);
  });

  it('refuses an unknown kind', async () => {
    expect(problemCode(await call(s.app, 'GET', '/users?kind=robot'))).toBe('invalid_request');
  });
});

describe('DELETE /users/{id}', () => {
  it('answers 404 user_not_found for an id nobody has', async () => {
    const answer = await call(s.app, 'DELETE', '/users/u999999');
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('user_not_found');
  });
});
