import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoaderHost } from '../../src/core/types.js';
import { createNodeHost } from '../../src/host/node-host.js';
import { identityOf, ScannedBinaries } from '../../src/host/scanned-binaries.js';
import { scanModuleDir } from '../../src/manifest/scan.js';

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

describe('createNodeHost(): one read per binary', () => {
  const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
  const cases: Array<[string, 'esm' | 'cjs', string | null]> = [
    ['.mjs', 'esm', null],
    ['.cjs', 'cjs', null],
    ['.js', 'esm', '{"type":"module"}'],
    ['.js', 'cjs', null],
    ['.js', 'esm', null],
  ];

  it.each(cases)('evaluates the %s (%s) bytes it verified, even when the file changes before the import', async (suffix, format, pkg) => {
    if (pkg !== null) await writeFile(join(modulesDir, 'package.json'), pkg);
    const file = join(modulesDir, `res_race${suffix}`);
    await writeFile(file, moduleSource('verified', format));
    expect(await host.checksum('res_race', 'md5')).toBe(md5(moduleSource('verified', format)));
    await writeFile(file, moduleSource('swapped', format));
    expect((await host.importLib('res_race')).load({} as never)).toBe('verified');
    // The next load verifies and evaluates what is on disk now.
    expect(await host.checksum('res_race', 'md5')).toBe(md5(moduleSource('swapped', format)));
    expect((await host.importLib('res_race')).load({} as never)).toBe('swapped');
  });

  it("answers the first load's checksum with the scan's digest and evaluates the scan's bytes, when the file is the one scanned", async () => {
    const file = join(modulesDir, 'app_scanned.mjs');
    await writeFile(file, moduleSource('on disk', 'esm'));
    const scanned = new ScannedBinaries();
    // What the scan read; the file itself is unchanged since (same inode, size and times).
    const bytes = Buffer.from(moduleSource('as scanned', 'esm'));
    scanned.keep('app_scanned', { path: file, bytes, algorithm: 'md5', digest: md5(bytes.toString()), identity: identityOf(statSync(file)) });
    const startup = createNodeHost({ modulesDir, configDir, logger: pino({ level: 'silent' }), scanned });
    expect(await startup.checksum('app_scanned', 'md5')).toBe(md5(bytes.toString()));
    expect((await startup.importLib('app_scanned')).load({} as never)).toBe('as scanned');
    expect(scanned.size).toBe(0);
    // Each kept binary serves one load: the next reads the file.
    expect(await startup.checksum('app_scanned', 'md5')).toBe(md5(moduleSource('on disk', 'esm')));
  });

  it('reads the binary again when it changed since the scan, or when asked for another algorithm', async () => {
    await writeFile(join(modulesDir, 'app_a.mjs'), moduleSource('a1', 'esm'));
    await writeFile(join(modulesDir, 'app_b.mjs'), moduleSource('b1', 'esm'));
    for (const name of ['app_a', 'app_b']) {
      await writeFile(join(modulesDir, `${name}.manifest`), `[module]\nname=${name}\nchecksum=${md5(moduleSource(name === 'app_a' ? 'a1' : 'b1', 'esm'))}\n`);
    }
    const scanned = new ScannedBinaries();
    const { scan } = await scanModuleDir(modulesDir, { keep: scanned });
    expect(scan.manifests).toHaveLength(2);
    expect(scanned.size).toBe(2);
    await writeFile(join(modulesDir, 'app_a.mjs'), moduleSource('a2', 'esm'));
    const startup = createNodeHost({ modulesDir, configDir, logger: pino({ level: 'silent' }), scanned });
    expect(await startup.checksum('app_a', 'md5')).toBe(md5(moduleSource('a2', 'esm')));
    expect((await startup.importLib('app_a')).load({} as never)).toBe('a2');
    expect(await startup.checksum('app_b', 'sha256')).toBe(createHash('sha256').update(moduleSource('b1', 'esm')).digest('hex'));
  });

  it('keeps scanned bytes within its budget only', () => {
    const scanned = new ScannedBinaries(10);
    const entry = (bytes: string) => ({ path: '/x', bytes: Buffer.from(bytes), algorithm: 'md5' as const, digest: md5(bytes), identity: { dev: 0, ino: 0, size: 0, mtimeMs: 0, ctimeMs: 0 } });
    expect(scanned.keep('a', entry('123456'))).toBe(true);
    expect(scanned.keep('b', entry('123456'))).toBe(false);
    expect(scanned.keep('c', entry('1234'))).toBe(true);
    expect(scanned.take('a')?.bytes.toString()).toBe('123456');
    expect(scanned.keep('b', entry('123456'))).toBe(true);
    expect(scanned.size).toBe(2);
  });

  it('evaluates an ES module with top-level await, which cannot be compiled synchronously', async () => {
    await writeFile(
      join(modulesDir, 'res_tla.mjs'),
      'const value = await Promise.resolve("awaited");\nexport function load() { return value; }\n',
    );
    await host.checksum('res_tla', 'md5');
    expect((await host.importLib('res_tla')).load({} as never)).toBe('awaited');
  });

  it('names a symlinked binary by the file it links to, as Node.js does, so its own imports resolve there', async () => {
    // A link that stays inside the module directory (one leading out of it is refused).
    const packageDir = join(modulesDir, 'vendor', 'package');
    await mkdir(packageDir, { recursive: true });
    await writeFile(join(packageDir, 'package.json'), '{"type":"module"}');
    await writeFile(join(packageDir, 'helper.js'), 'export const where = "beside the real file";\n');
    await writeFile(join(packageDir, 'chan_linked.js'), 'import { where } from "./helper.js";\nexport function load() { return where; }\n');
    await symlink(join(packageDir, 'chan_linked.js'), join(modulesDir, 'chan_linked.mjs'));
    await host.checksum('chan_linked', 'md5');
    expect((await host.importLib('chan_linked')).load({} as never)).toBe('beside the real file');
  });

  it('gives an ES module its own module imports, import.meta and the package scope', async () => {
    await writeFile(join(modulesDir, 'package.json'), '{"type":"module"}');
    await writeFile(join(modulesDir, 'helper.js'), 'export const help = () => "helped";\n');
    await writeFile(
      join(modulesDir, 'app_rel.js'),
      'import { help } from "./helper.js";\nimport { basename } from "node:path";\nexport const dir = import.meta.dirname;\nexport function load() { return help() + " " + basename(import.meta.dirname); }\n',
    );
    await host.checksum('app_rel', 'md5');
    const lib = await host.importLib('app_rel');
    expect(lib.load({} as never)).toBe(`helped modules`);
    expect((lib as unknown as { dir: string }).dir).toBe(modulesDir);
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
