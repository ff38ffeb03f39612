/**
 * The lifecycle issue's item 9 on the sample PBX: a reload of a module that is not running is a
 * 409 with a stable code, and `load`/`noload`/`neverload` lines naming no module are warnings
 * naming file and line, logged at startup (the config reload answer's warnings are tested with
 * the other config reloads, in config-reload.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/http/settings.js';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

describe('POST /modules/{name}/reload', () => {
  it('answers 409 not_running for a module that is not running', async () => {
    s = await startService();
    const answer = await call(s.app, 'POST', '/modules/func_cut/reload');
    expect(answer.status).toBe(409);
    expect(problemCode(answer)).toBe('not_running');
  });
});

describe('startup', () => {
  it('logs a warning naming file and line for load, noload and neverload lines that name no module', async () => {
    const records: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) records.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const sample = await readFile(join(packageRoot(), 'config', 'modules.conf'), 'utf8');
    const added = ['load=app_nothere', 'noload=res_nothere.so', 'neverload=func_nothere'];
    const text = sample.replace('[modules]\n', `[modules]\n${added.join('\n')}\n`);
    s = await startService({ config: { 'modules.conf': text }, logger: pino({ level: 'info' }, sink) });
    const lines = text.split('\n');
    const warnings = records.filter((r) => r.level === 40);
    for (const entry of added) {
      const line = lines.indexOf(entry) + 1;
      const name = entry.split('=')[1]!.replace('.so', '');
      // Where: in the message (`modules.conf:14: …`) or as fields (file, line).
      const where = (r: Record<string, unknown>) => String(r.msg).includes(`modules.conf:${line}`) || (r.file === 'modules.conf' && r.line === line);
      const found = warnings.filter((r) => JSON.stringify(r).includes(name) && where(r));
      expect(found, `a warning for ${entry} (modules.conf:${line})`).toHaveLength(1);
    }
    expect(s.loader.get('chan_sip').state).toBe('running');
  });
});
