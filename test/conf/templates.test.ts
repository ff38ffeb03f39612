/**
 * Template inheritance is bounded (depth and entries copied): a hostile or careless config
 * file is refused with its file and line, never with a stack overflow, a freeze or running
 * out of memory. Both files of the report are reproduced: the 316-byte doubling chain and a
 * 0.9 MB one whose sections all inherit one wide template.
 */
import { describe, expect, it } from 'vitest';
import { MAX_INHERITED_ENTRIES, MAX_TEMPLATE_DEPTH, parseConf } from '../../src/conf/parse.js';
import { confError } from './support/conf-error.js';
import { call } from '../http/support/call.js';
import { startService } from '../http/support/service.js';
import { createService } from '../../src/http/service.js';
import { sampleDirs } from '../support/sample-dirs.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `[tN](!,tN-1,tN-1)`: each template has twice the entries of the one before, padded to `bytes`. */
function doublingChain(bytes: number): string {
  let text = '[t0](!)\nload=x\n';
  for (let i = 1; i <= 18; i++) text += `[t${i}](!,t${i - 1},t${i - 1})\n`;
  text += '[modules](t18)\n';
  return text + ';'.repeat(bytes - text.length - 1) + '\n';
}

/** One template of 70,000 entries, then 55,000 sections inheriting it: 3.9 billion entries. */
function wideTemplate(): string {
  return `[t](!)\n${'a=1\n'.repeat(70_000)}${Array.from({ length: 55_000 }, (_, i) => `[s${i}](t)\n`).join('')}`;
}

describe('template inheritance', () => {
  it('refuses the 316-byte doubling chain with the line where it grew too large', () => {
    const text = doublingChain(316);
    expect(text.length).toBe(316);
    const err = confError(() => parseConf(text, 'modules.conf'));
    expect(err.code).toBe('template_too_large');
    expect(err.file).toBe('modules.conf');
    expect(text.split('\n')[err.line - 1]).toMatch(/^\[t1\d\]\(!,t1\d,t1\d\)$/);
    expect(err.message).toMatch(/^modules\.conf:\d+: /);
  });

  it('refuses a 0.9 MB file of sections inheriting one wide template', () => {
    const text = wideTemplate();
    expect(text.length).toBeGreaterThan(0.9e6);
    expect(text.length).toBeLessThan(1e6);
    const err = confError(() => parseConf(text, 'extensions.conf'));
    expect(err.code).toBe('template_too_large');
    expect(err.line).toBeGreaterThan(70_001);
  });

  it('refuses a chain of templates deeper than the limit, at the first section too deep', () => {
    let text = '[t0](!)\na=1\n';
    for (let i = 1; i <= MAX_TEMPLATE_DEPTH + 5; i++) text += `[t${i}](!,t${i - 1})\n`;
    const err = confError(() => parseConf(text, 'x.conf'));
    expect(err.code).toBe('template_too_deep');
    expect(err.line).toBe(MAX_TEMPLATE_DEPTH + 3);
  });

  it('accepts inheritance up to the limits', () => {
    let text = '[t0](!)\na=1\n';
    for (let i = 1; i < MAX_TEMPLATE_DEPTH; i++) text += `[t${i}](!,t${i - 1})\n`;
    text += `[s](t${MAX_TEMPLATE_DEPTH - 1})\n`;
    expect(parseConf(text, 'x.conf').sections[0]!.entries).toHaveLength(1);
    const wide = `[t](!)\n${'a=1\n'.repeat(1000)}${Array.from({ length: MAX_INHERITED_ENTRIES / 1000 }, (_, i) => `[s${i}](t)\n`).join('')}`;
    expect(parseConf(wide, 'x.conf').sections).toHaveLength(MAX_INHERITED_ENTRIES / 1000);
  });
});

describe('the service with such a modules.conf', () => {
  it('does not start, naming the file and line', async () => {
    const dirs = await sampleDirs({ config: { 'modules.conf': doublingChain(316) } });
    try {
      const settings = { modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: 100, load_timeout_ms: 5000 };
      await expect(createService({ settings })).rejects.toThrow(/modules\.conf:\d+: .*template/);
    } finally {
      await dirs.remove();
    }
  });

  it('refuses a reload with 400 and the file and line, keeping the policy it had', async () => {
    const s = await startService();
    try {
      const before = s.loader.policy();
      await writeFile(join(s.dirs.config, 'modules.conf'), doublingChain(316));
      const answer = await call(s.app, 'POST', '/config/reload');
      expect(answer.status).toBe(400);
      expect(answer.json.errors).toEqual([expect.objectContaining({ file: 'modules.conf', code: 'template_too_large', line: expect.any(Number) })]);
      expect(s.loader.policy()).toEqual(before);
    } finally {
      await s.stop();
    }
  });
});
