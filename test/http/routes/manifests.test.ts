import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../../src/manifest/generate/generate.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('GET /manifests and /manifests/{name}', () => {
  it('lists every parsed manifest', async () => {
    const answer = await call(s.app, 'GET', '/manifests');
    expect(answer.status).toBe(200);
    expect(answer.json.manifests.map((m: { name: string }) => m.name)).toContain('func_periodic_hook');
  });

  it('gives one manifest as JSON, or as the INI text with Accept: text/plain', async () => {
    const json = await call(s.app, 'GET', '/manifests/res_timing_timerfd');
    expect(json.json.provides).toEqual([{ type: 'service', name: 'timer', priority: 200 }]);
    const text = await call(s.app, 'GET', '/manifests/res_timing_timerfd', { headers: { accept: 'text/plain' } });
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.body).toContain('[provides]\nservice=timer:200');
    expect(parseManifest(text.body, 'res_timing_timerfd.manifest')).toEqual({ ok: true, manifest: json.json });
  });

  it('answers 404 unknown_module for a manifest that does not exist', async () => {
    expect(problemCode(await call(s.app, 'GET', '/manifests/nope'))).toBe('unknown_module');
  });
});

describe('POST /manifests/check', () => {
  const valid = '[module]\nname=func_x\nchecksum=844c2153257936cc25d8b32760780c7b\nsupport_level=core\n\n[uses]\nmodule=func_cut\n';

  it('answers the parsed manifest for valid text', async () => {
    const answer = await call(s.app, 'POST', '/manifests/check', { body: valid, headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ok: true, manifest: { name: 'func_x', uses: [{ type: 'module', name: 'func_cut' }] } });
  });

  it('answers 422 manifest_invalid listing every problem with its line', async () => {
    const text = '[module]\nname=func_x\nchecksum=nothex\nsupport_level=gold\n[wishes]\n';
    const answer = await call(s.app, 'POST', '/manifests/check', { body: text, headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(422);
    expect(answer.json.code).toBe('manifest_invalid');
    expect(answer.json.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'checksum', line: 3 }),
        expect.objectContaining({ key: 'support_level', line: 4 }),
        expect.objectContaining({ code: 'unknown_section', line: 5 }),
      ]),
    );
  });

  it('answers 415 for a body that is not text/plain', async () => {
    const answer = await call(s.app, 'POST', '/manifests/check', { body: valid, headers: { 'content-type': 'application/xml' } });
    expect(answer.status).toBe(415);
    expect(answer.json.code).toBe('invalid_request');
  });
});

describe('POST /manifests/rescan', () => {
  it('picks up a new module and reports a running module whose binary changed as stale', async () => {
    await writeFile(
      join(s.dirs.modules, 'func_hello.js'),
      '/*** MODULEINFO\n\t<support_level>extended</support_level>\n ***/\nexport function load() {}\n',
    );
    await appendFile(join(s.dirs.modules, 'chan_sip.js'), '\n// patched\n');
    await generateManifests(s.dirs.modules);
    const answer = await call(s.app, 'POST', '/manifests/rescan');
    expect(answer.status).toBe(200);
    expect(answer.json.rescan).toMatchObject({ added: ['func_hello'], changed: ['chan_sip'], stale: ['chan_sip'] });
    expect(answer.json.problems).toEqual([]);
    expect((await call(s.app, 'POST', '/modules/func_hello/load')).json.state).toBe('running');
  });

  it('reports a broken manifest as a problem and keeps going', async () => {
    const path = join(s.dirs.modules, 'func_uri.manifest');
    await writeFile(path, (await readFile(path, 'utf8')).replace('[module]', '[module]\nsupport_level=gold'));
    const answer = await call(s.app, 'POST', '/manifests/rescan');
    expect(answer.status).toBe(200);
    expect(answer.json.problems).toContainEqual(expect.objectContaining({ key: 'support_level', line: expect.any(Number) }));
    expect(answer.json.problems.every((p: { file: string }) => p.file === 'func_uri.manifest')).toBe(true);
  });
});
