import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../../src/manifest/generate/generate.js';
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
    expect(answer.json.nodes).toContainEqual({ name: 'chan_sip', state: 'running', stale: false });
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

  it('marks a running module whose binary changed on disk as stale, until it loads the new one', async () => {
    await appendFile(join(s.dirs.modules, 'func_global.js'), '\n// patched\n');
    await generateManifests(s.dirs.modules);
    expect((await call(s.app, 'POST', '/manifests/rescan')).json.rescan.stale).toEqual(['func_global']);
    const node = async (): Promise<unknown> => (await call(s.app, 'GET', '/graph')).json.nodes.find((n: { name: string }) => n.name === 'func_global');
    expect(await node()).toEqual({ name: 'func_global', state: 'running', stale: true });
    expect((await call(s.app, 'POST', '/modules/func_global/unload', { body: { force: true } })).status).toBe(200);
    expect(await node()).toEqual({ name: 'func_global', state: 'available', stale: false });
  });
});
