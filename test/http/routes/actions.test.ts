import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('GET /actions', () => {
  it('lists the manager actions running modules registered', async () => {
    const answer = await call(s.app, 'GET', '/actions');
    expect(answer.status).toBe(200);
    expect(answer.json.actions).toEqual(
      expect.arrayContaining([
        { name: 'Originate', module: 'chan_sip', active: true },
        { name: 'Hangup', module: 'chan_sip', active: true },
      ]),
    );
  });
});

describe('POST /actions/{name}', () => {
  it("runs the action with the body as its arguments and answers its result (chan_sip's Originate and Hangup)", async () => {
    const originate = await call(s.app, 'POST', '/actions/Originate', { body: { peer: 'alice' } });
    expect(originate.status).toBe(200);
    expect(originate.json).toMatchObject({ action: 'Originate', module: 'chan_sip', result: { channel: expect.stringMatching(/^SIP\/alice-/) } });
    const { channel } = originate.json.result;
    expect(s.loader.users({ kind: 'channel' }).map((u) => u.holder)).toEqual([channel]);

    const hangup = await call(s.app, 'POST', '/actions/Hangup', { body: { channel } });
    expect(hangup.json.result).toEqual({ channel, hungup: true });
    expect(s.loader.users({ kind: 'channel' })).toEqual([]);
  });

  it('answers 400 invalid_request naming the action when it rejects its arguments', async () => {
    const answer = await call(s.app, 'POST', '/actions/Hangup', { body: { channel: 'SIP/nobody-0' } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'invalid_request', action: 'Hangup' });
  });

  it('answers 404 unknown_module naming the action when no running module provides it', async () => {
    const answer = await call(s.app, 'POST', '/actions/Reboot', { body: {} });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 'unknown_module', action: 'Reboot' });
  });

  it('refuses an action name that is not a name, and a body that is not an object', async () => {
    expect((await call(s.app, 'POST', '/actions/Orig%2Fnate', { body: {} })).status).toBe(400);
    expect((await call(s.app, 'POST', '/actions/Originate', { body: '[1,2]', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });
});
