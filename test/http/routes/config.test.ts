import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const modulesConf = (): string => join(s.dirs.config, 'modules.conf');

describe('GET /config', () => {
  it('answers the effective policy, each entry with its file and line', async () => {
    const answer = await call(s.app, 'GET', '/config');
    expect(answer.status).toBe(200);
    expect(answer.json.require).toEqual([{ name: 'chan_sip', file: 'modules.conf', line: expect.any(Number) }]);
    expect(answer.json.neverload.map((e: { name: string }) => e.name)).toEqual(['app_system', 'func_shell']);
  });
});

describe('POST /config/reload', () => {
  it('applies an edited modules.conf: a new load= runs', async () => {
    const original = await readFile(modulesConf(), 'utf8');
    await writeFile(modulesConf(), original.replace('[modules]', '[modules]\nload=func_cut'));
    const answer = await call(s.app, 'POST', '/config/reload');
    expect(answer.status).toBe(200);
    expect(answer.json.plan).toContainEqual({ module: 'func_cut', action: 'load' });
    expect(s.loader.get('func_cut').state).toBe('running');
    expect(answer.json.tokens).toEqual({ count: 0 });
    await writeFile(modulesConf(), original);
    await call(s.app, 'POST', '/config/reload');
    expect(s.loader.get('func_cut').state).toBe('available');
  });

  it('changes nothing when a file has errors, and names file and line', async () => {
    const original = await readFile(modulesConf(), 'utf8');
    const before = s.loader.policy();
    await writeFile(modulesConf(), `${original}\n[modules]\nload=../../etc/passwd\n`);
    const answer = await call(s.app, 'POST', '/config/reload');
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('invalid_request');
    expect(answer.json.errors).toContainEqual(expect.objectContaining({ file: 'modules.conf', line: expect.any(Number) }));
    expect(s.loader.policy()).toEqual(before);
    await writeFile(modulesConf(), original);
  });
});
