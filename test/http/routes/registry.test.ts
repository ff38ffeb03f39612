import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('GET /providers', () => {
  it('ranks the candidates of each entry and marks the active one', async () => {
    const answer = await call(s.app, 'GET', '/providers?type=service&name=timer');
    expect(answer.status).toBe(200);
    expect(answer.json.providers.map((p: { module: string; priority: number; active: boolean }) => [p.module, p.priority, p.active])).toEqual([
      ['res_timing_timerfd', 200, true],
      ['res_timing_dahdi', 100, false],
      ['res_timing_pthread', 50, false],
    ]);
  });

  it('refuses a type that is not a provider type', async () => {
    expect(problemCode(await call(s.app, 'GET', '/providers?type=Bad-Type'))).toBe('invalid_request');
  });
});

describe('GET /graph', () => {
  it('answers nodes with their states and edges from user to provider', async () => {
    const answer = await call(s.app, 'GET', '/graph');
    expect(answer.status).toBe(200);
    expect(answer.json.nodes).toContainEqual({ name: 'chan_sip', state: 'running' });
    expect(answer.json.edges).toContainEqual(expect.objectContaining({ from: 'chan_sip', to: 'res_timing_timerfd', type: 'service', name: 'timer' }));
  });

  it('answers Graphviz DOT with ?format=dot', async () => {
    const answer = await call(s.app, 'GET', '/graph?format=dot');
    expect(answer.headers['content-type']).toMatch(/^text\/vnd\.graphviz/);
    expect(answer.body).toMatch(/^digraph modules \{\n/);
    expect(answer.body).toContain('"chan_sip" -> "res_timing_timerfd" [label="service=timer"];');
    expect(answer.body.trimEnd().endsWith('}')).toBe(true);
  });

  it('refuses an unknown format', async () => {
    expect(problemCode(await call(s.app, 'GET', '/graph?format=svg'))).toBe('invalid_request');
  });
});
