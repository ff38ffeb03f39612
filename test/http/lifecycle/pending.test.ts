/**
 * The lifecycle issue's item 7 on the sample PBX over real HTTP: while a firm unload of a module
 * further down waits, its answer and `GET /modules/{name}` list the hold that has not let go
 * (an `external call-1` hold on chan_sip), not chan_sip, the module in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/lifecycle.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true });
});
afterAll(async () => s?.stop());

describe('a firm unload of res_rtp_asterisk while call-1 holds chan_sip', () => {
  it('lists call-1 as pending in the answer and in GET /modules/{name}, and finishes when it lets go', async () => {
    const hold = await http(s, 'POST', '/modules/chan_sip/users', { holder: 'call-1' });
    expect(hold.status).toBe(201);
    const id = hold.json.user.id as string;

    const unload = await http(s, 'POST', '/modules/res_rtp_asterisk/unload', { force: true, timeout_ms: 50 });
    expect(unload.status).toBe(200);
    expect(unload.json.state).toBe('running');
    expect(unload.json.pending).toEqual([expect.objectContaining({ id, kind: 'external', holder: 'call-1', module: 'chan_sip' })]);

    const rtp = await http(s, 'GET', '/modules/res_rtp_asterisk');
    expect(rtp.json.pending).toEqual([expect.objectContaining({ id, holder: 'call-1' })]);

    expect((await http(s, 'DELETE', `/users/${id}`)).status).toBe(200);
    const after = await http(s, 'GET', '/modules/res_rtp_asterisk');
    expect(after.json.state).toBe('available');
    expect(after.json.pending).toEqual([]);
  });
});
