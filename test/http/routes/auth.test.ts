import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';
import { SECRETS, TOKENS_CONF } from '../support/tokens.js';

describe('GET /auth/whoami with tokens', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startService({ config: { 'tokens.conf': TOKENS_CONF } });
  });
  afterAll(async () => s?.stop());

  it("answers each token's client and role", async () => {
    for (const [role, client] of [
      ['read', 'viewer'],
      ['operate', 'deploy-bot'],
      ['admin', 'oncall'],
    ] as const) {
      const answer = await call(s.app, 'GET', '/auth/whoami', { token: SECRETS[role] });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ client, role, tokens_enabled: true });
    }
  });

  it('answers 401 without a token or with a wrong one', async () => {
    expect(problemCode(await call(s.app, 'GET', '/auth/whoami'))).toBe('unauthorized');
    expect(problemCode(await call(s.app, 'GET', '/auth/whoami', { token: 'not-a-secret' }))).toBe('unauthorized');
  });
});

describe('GET /auth/whoami without tokens', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startService();
  });
  afterAll(async () => s?.stop());

  it('answers the local admin', async () => {
    expect((await call(s.app, 'GET', '/auth/whoami')).json).toEqual({ client: 'local', role: 'admin', tokens_enabled: false });
  });
});
