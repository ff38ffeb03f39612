import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoaderHost } from '../../src/core/types.js';
import { createNodeHost } from '../../src/host/node-host.js';

let root: string;
let modulesDir: string;
let configDir: string;
let logLines: string[];
let host: LoaderHost;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modloader-host-'));
  modulesDir = join(root, 'modules');
  configDir = join(root, 'config');
  await mkdir(modulesDir);
  await mkdir(configDir);
  logLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  host = createNodeHost({ modulesDir, configDir, logger: pino({ level: 'debug' }, sink) });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A module binary whose load() returns `version` (ESM or CommonJS syntax). */
function moduleSource(version: string, format: 'esm' | 'cjs'): string {
  return format === 'esm'
    ? `export function load() { return ${JSON.stringify(version)}; }\nexport const evaluatedAt = Symbol('evaluation');\n`
    : `exports.load = function () { return ${JSON.stringify(version)}; };\nexports.evaluatedAt = Symbol('evaluation');\n`;
}

describe('createNodeHost().checksum', () => {
  it('is the hex digest of the binary on disk, in md5 or sha256', async () => {
    const source = moduleSource('v1', 'esm');
    await writeFile(join(modulesDir, 'app_echo.mjs'), source);
    expect(await host.checksum('app_echo', 'md5')).toBe(createHash('md5').update(source).digest('hex'));
    expect(await host.checksum('app_echo', 'sha256')).toBe(createHash('sha256').update(source).digest('hex'));
  });

  it('follows the binary when it changes', async () => {
    await writeFile(join(modulesDir, 'app_echo.js'), 'a');
    const before = await host.checksum('app_echo', 'md5');
    await writeFile(join(modulesDir, 'app_echo.js'), 'b');
    expect(await host.checksum('app_echo', 'md5')).not.toBe(before);
  });

  it('throws no_binary when the module has no binary, invalid_name for a path', async () => {
    await expect(host.checksum('app_missing', 'md5')).rejects.toMatchObject({ code: 'no_binary', module: 'app_missing' });
    await expect(host.checksum('../etc/passwd', 'md5')).rejects.toMatchObject({ code: 'invalid_name' });
  });
});

describe('createNodeHost().importLib', () => {
  // A .js file in a directory without package.json is CommonJS to Node.js; with
  // {"type":"module"} it is ESM. Both must come back fresh.
  const cases: Array<[string, 'esm' | 'cjs', string | null]> = [
    ['.mjs', 'esm', null],
    ['.cjs', 'cjs', null],
    ['.js', 'esm', '{"type":"module"}'],
    ['.js', 'cjs', null],
  ];

  it.each(cases)('imports a %s (%s) binary fresh each time, so a changed binary is picked up (hot upgrade)', async (suffix, format, pkg) => {
    if (pkg !== null) await writeFile(join(modulesDir, 'package.json'), pkg);
    const file = join(modulesDir, `res_hot${suffix}`);
    await writeFile(file, moduleSource('v1', format));
    const first = await host.importLib('res_hot');
    const again = await host.importLib('res_hot');
    await writeFile(file, moduleSource('v2', format));
    const upgraded = await host.importLib('res_hot');

    expect(first.load({} as never)).toBe('v1');
    expect((again as unknown as { evaluatedAt: symbol }).evaluatedAt).not.toBe((first as unknown as { evaluatedAt: symbol }).evaluatedAt);
    expect(upgraded.load({} as never)).toBe('v2');
  });

  it('accepts a default-exported object carrying load', async () => {
    await writeFile(join(modulesDir, 'app_default.mjs'), 'export default { load() { return "default"; }, unload() {} };\n');
    const lib = await host.importLib('app_default');
    expect(lib.load({} as never)).toBe('default');
    expect(typeof lib.unload).toBe('function');
  });

  it('throws invalid_exports when there is no load function', async () => {
    await writeFile(join(modulesDir, 'app_noload.mjs'), 'export const load = 42;\nexport function unload() {}\n');
    await expect(host.importLib('app_noload')).rejects.toMatchObject({ code: 'invalid_exports', module: 'app_noload' });
  });

  it('throws invalid_exports when a hook is exported but is not a function', async () => {
    await writeFile(join(modulesDir, 'app_badhook.cjs'), 'exports.load = () => {};\nexports.reload = "soon";\n');
    await expect(host.importLib('app_badhook')).rejects.toMatchObject({ code: 'invalid_exports' });
  });

  it('throws import_failed, keeping the cause, when the binary does not evaluate', async () => {
    await writeFile(join(modulesDir, 'app_syntax.mjs'), 'export function load( {\n');
    await writeFile(join(modulesDir, 'app_throws.cjs'), 'throw new Error("boom at top level");\n');
    await expect(host.importLib('app_syntax')).rejects.toMatchObject({ code: 'import_failed', cause: expect.anything() });
    await expect(host.importLib('app_throws')).rejects.toMatchObject({ code: 'import_failed', cause: expect.objectContaining({ message: 'boom at top level' }) });
  });

  it('throws no_binary for a module without a binary', async () => {
    await expect(host.importLib('app_missing')).rejects.toMatchObject({ code: 'no_binary' });
  });
});

describe('createNodeHost().readConfig', () => {
  it('parses a config file of the config directory, and gives null for an absent one', async () => {
    await writeFile(join(configDir, 'sip.conf'), '[general]\ncontext=default\n');
    expect(await host.readConfig('sip.conf')).toEqual({
      file: 'sip.conf',
      sections: [{ name: 'general', line: 1, entries: [{ key: 'context', value: 'default', line: 2, arrow: false }] }],
    });
    expect(await host.readConfig('musiconhold.conf')).toBeNull();
  });

  it.each(['../x.conf', 'a/b.conf', 'x\0.conf', 'x.conf\0', '..', '/etc/passwd', 'sip.conf/'])('refuses %j: no path leaves the config directory', async (file) => {
    await writeFile(join(root, 'x.conf'), '[secret]\nkey=value\n');
    await expect(host.readConfig(file)).rejects.toMatchObject({ code: 'invalid_file_name' });
  });

  it('reports a syntax error with the file and line', async () => {
    await writeFile(join(configDir, 'sip.conf'), '[general]\nbroken line\n');
    await expect(host.readConfig('sip.conf')).rejects.toMatchObject({ code: 'malformed_line', file: 'sip.conf', line: 2 });
  });
});

describe('createNodeHost().moduleLog and now', () => {
  it('logs through a child logger tagged with the module', () => {
    host.moduleLog('chan_sip').info({ peer: 'alice' }, 'registered');
    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([expect.objectContaining({ module: 'chan_sip', peer: 'alice', msg: 'registered' })]);
  });

  it('tells the time in epoch milliseconds', () => {
    const before = Date.now();
    const now = host.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
