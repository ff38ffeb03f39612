import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('GET /modules', () => {
  it('lists every sample module with its state', async () => {
    const answer = await call(s.app, 'GET', '/modules');
    expect(answer.status).toBe(200);
    const byName = new Map(answer.json.modules.map((m: { name: string }) => [m.name, m]));
    expect(byName.get('chan_sip')).toMatchObject({ state: 'running', support_level: 'extended', lib_loaded: true, blocked: false });
    expect(byName.get('app_system')).toMatchObject({ state: 'available', use_count: 0 });
  });

  it('answers JSON that follows every change (the list is kept serialized between events)', async () => {
    const before = await call(s.app, 'GET', '/modules?like=func_cut');
    expect(before.headers['content-type']).toMatch(/^application\/json/);
    expect(before.json.modules).toMatchObject([{ name: 'func_cut', state: 'available', use_count: 0 }]);
    await call(s.app, 'POST', '/modules/func_cut/load');
    const after = await call(s.app, 'GET', '/modules?like=func_cut');
    expect(after.json.modules).toMatchObject([{ name: 'func_cut', state: 'running', use_count: 1 }]);
    await call(s.app, 'POST', '/modules/func_cut/unload');
    const again = await call(s.app, 'GET', '/modules?like=func_cut');
    expect(again.json.modules).toMatchObject([{ name: 'func_cut', state: 'available', use_count: 0 }]);
  });

  it('filters by name (like) and by state', async () => {
    const like = await call(s.app, 'GET', '/modules?like=timing');
    expect(like.json.modules.map((m: { name: string }) => m.name)).toEqual(['res_timing_dahdi', 'res_timing_pthread', 'res_timing_timerfd']);
    const running = await call(s.app, 'GET', '/modules?state=running');
    expect(running.json.modules.every((m: { state: string }) => m.state === 'running')).toBe(true);
  });

  it('refuses an unknown state or query parameter', async () => {
    expect(problemCode(await call(s.app, 'GET', '/modules?state=asleep'))).toBe('invalid_request');
    expect(problemCode(await call(s.app, 'GET', '/modules?colour=red'))).toBe('invalid_request');
  });
});

describe('GET /modules/{name}', () => {
  it('shows manifest, users, dependencies with their providers, and what it provides', async () => {
    const answer = await call(s.app, 'GET', '/modules/chan_sip');
    expect(answer.status).toBe(200);
    expect(answer.json.manifest.name).toBe('chan_sip');
    expect(answer.json.users).toEqual([expect.objectContaining({ kind: 'admin', holder: 'admin' })]);
    expect(answer.json.dependencies).toContainEqual(expect.objectContaining({ type: 'service', name: 'timer', provider: 'res_timing_timerfd' }));
    expect(answer.json.provides).toContainEqual(expect.objectContaining({ type: 'manager', name: 'Originate', registered: true }));
    expect(answer.json.pending).toEqual([]);
  });

  it('accepts the .so suffix operators are used to', async () => {
    expect((await call(s.app, 'GET', '/modules/chan_sip.so')).json.name).toBe('chan_sip');
  });

  it('answers 404 unknown_module for a module that does not exist', async () => {
    const answer = await call(s.app, 'GET', '/modules/chan_pjsip');
    expect(answer.status).toBe(404);
    expect(problemCode(answer)).toBe('unknown_module');
  });
});

describe('POST /modules/{name}/load', () => {
  it('loads the module with the admin as its user and answers op, plan and state', async () => {
    const answer = await call(s.app, 'POST', '/modules/func_cut/load');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      op: expect.any(String),
      dry_run: false,
      state: 'running',
      plan: [
        { module: 'func_cut', action: 'load' },
        { module: 'func_cut', action: 'add_user', user: { kind: 'admin', holder: 'admin' } },
      ],
    });
    const again = await call(s.app, 'POST', '/modules/func_cut/load');
    expect(again.json).toMatchObject({ plan: [], state: 'running' });
    await call(s.app, 'POST', '/modules/func_cut/unload');
  });

  it('with dry_run answers the plan and changes nothing', async () => {
    const before = s.loader.nextSeq;
    const answer = await call(s.app, 'POST', '/modules/func_uri/load', { body: { dry_run: true } });
    expect(answer.json).toMatchObject({ dry_run: true, state: 'available', plan: [{ module: 'func_uri', action: 'load' }, expect.anything()] });
    expect(s.loader.get('func_uri').state).toBe('available');
    expect(s.loader.nextSeq).toBe(before);
  });

  it('refuses a banned module with 409 neverload', async () => {
    const answer = await call(s.app, 'POST', '/modules/app_system/load');
    expect(answer.status).toBe(409);
    expect(problemCode(answer)).toBe('neverload');
  });

  it('answers 404 unknown_module for a module that does not exist', async () => {
    expect(problemCode(await call(s.app, 'POST', '/modules/nope/load'))).toBe('unknown_module');
  });

  it('passes the request id to the loader as the cause and returns it', async () => {
    const answer = await call(s.app, 'POST', '/modules/func_groupcount/load', { headers: { 'x-request-id': 'deploy-42' } });
    expect(answer.headers['x-request-id']).toBe('deploy-42');
    expect(s.loader.opLog().find((entry) => entry.op === answer.json.op)?.cause).toBe('deploy-42');
    await call(s.app, 'POST', '/modules/func_groupcount/unload');
  });

  it('replaces an unusable request id with a fresh one', async () => {
    const answer = await call(s.app, 'GET', '/health', { headers: { 'x-request-id': 'has spaces and ; semicolons' } });
    const again = await call(s.app, 'GET', '/health');
    expect(answer.headers['x-request-id']).toMatch(/^req-[0-9a-f]{8}-[0-9a-z]+$/);
    expect(again.headers['x-request-id']).toMatch(/^req-[0-9a-f]{8}-[0-9a-z]+$/);
    expect(again.headers['x-request-id']).not.toBe(answer.headers['x-request-id']);
  });
});

describe('POST /modules/{name}/unload', () => {
  it("soft: releases the admin's use and the module stops with its last user", async () => {
    await call(s.app, 'POST', '/modules/func_cut/load');
    const answer = await call(s.app, 'POST', '/modules/func_cut/unload');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ state: 'available', users: [] });
    expect(answer.json.plan.map((p: { action: string }) => p.action)).toEqual(['release_user', 'unload']);
  });

  it('soft: answers 409 in_use with the users when the admin holds no use of it', async () => {
    const answer = await call(s.app, 'POST', '/modules/app_dial/unload');
    expect(answer.status).toBe(409);
    expect(answer.json.code).toBe('in_use');
    expect(answer.json.users.map((u: { kind: string }) => u.kind)).toContain('dialplan');
  });

  it('soft: unloading a module that does not run changes nothing and succeeds', async () => {
    expect((await call(s.app, 'POST', '/modules/func_uri/unload')).json).toMatchObject({ plan: [], state: 'available' });
  });

  it('firm: every user is asked to go, dependents first (dry run)', async () => {
    const answer = await call(s.app, 'POST', '/modules/res_rtp_asterisk/unload', { body: { force: true, dry_run: true } });
    expect(answer.status).toBe(200);
    const steps = answer.json.plan.map((p: { module: string; action: string }) => `${p.action} ${p.module}`);
    expect(steps).toContain('cascade_unload chan_sip');
    expect(steps.indexOf('cascade_unload chan_sip')).toBeLessThan(steps.indexOf('unload res_rtp_asterisk'));
    expect(s.loader.get('chan_sip').state).toBe('running');
  });

  it('refuses timeout_ms that is not a non-negative integer', async () => {
    const answer = await call(s.app, 'POST', '/modules/chan_sip/unload', { body: { force: true, timeout_ms: -5 } });
    expect(answer.status).toBe(400);
    expect(answer.json.fields).toEqual([expect.objectContaining({ in: 'body', path: 'timeout_ms' })]);
  });
});

describe('POST /modules/{name}/reload', () => {
  it("runs the module's reload()", async () => {
    const answer = await call(s.app, 'POST', '/modules/chan_sip/reload');
    expect(answer.status).toBe(200);
    expect(answer.json.plan).toEqual([{ module: 'chan_sip', action: 'reload' }]);
  });

  it('answers 404 unknown_module for a module that does not exist', async () => {
    expect(problemCode(await call(s.app, 'POST', '/modules/nope/reload'))).toBe('unknown_module');
  });
});

describe('GET /modules/{name}/why', () => {
  it('gives the chains of users from a root down to the module', async () => {
    const answer = await call(s.app, 'GET', '/modules/res_rtp_asterisk/why');
    expect(answer.status).toBe(200);
    expect(answer.json.module).toBe('res_rtp_asterisk');
    expect(answer.json.chains).toContainEqual(
      expect.objectContaining({ root: expect.objectContaining({ kind: 'admin', module: 'chan_sip' }), path: ['chan_sip', 'res_rtp_asterisk'] }),
    );
  });

  it('answers 404 unknown_module for a module that does not exist', async () => {
    expect(problemCode(await call(s.app, 'GET', '/modules/nope/why'))).toBe('unknown_module');
  });
});
