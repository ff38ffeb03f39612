/**
 * Finding the modules a stack trace goes through: by path (CommonJS) or file URL with the
 * host's query (ES modules), innermost first, never a helper file or another directory.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moduleFiles } from '../../../src/host/fault/module-files.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modloader-files-'));
  dir = join(root, 'modules');
  await mkdir(dir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('moduleFiles().inText', () => {
  it('names the modules of the frames in a stack trace, innermost first', () => {
    const stack = [
      'Error: boom',
      `    at Timeout._onTimeout (${pathToFileURL(join(dir, 'app_dial.js')).href}?modloader_import=7:12:9)`,
      `    at helper (${join(dir, 'lib', 'util.js')}:3:1)`,
      `    at ${join(root, 'elsewhere', 'chan_sip.js')}:1:1`,
      `    at Object.load (${join(dir, 'func_uri.cjs')}:4:11)`,
      '    at listOnTimeout (node:internal/timers:581:17)',
    ].join('\n');
    expect(moduleFiles(dir).inText(stack)).toEqual(['app_dial', 'func_uri']);
  });

  it('matches the directory through a symbolic link too (Node.js names ES modules by real path)', async () => {
    const link = join(root, 'linked');
    await symlink(dir, link);
    expect(moduleFiles(link).inText(`at ${pathToFileURL(join(dir, 'codec_ulaw.mjs')).href}:1:1`)).toEqual(['codec_ulaw']);
  });
});

describe('moduleFiles().onStack', () => {
  it('names the module whose code is on the stack now', async () => {
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(dir, 'app_caller.js'), 'export function call(fn) { return fn(); }\n');
    const { call } = (await import(pathToFileURL(join(dir, 'app_caller.js')).href)) as { call: <T>(fn: () => T) => T };
    const files = moduleFiles(dir);
    expect(call(() => files.onStack())).toEqual(['app_caller']);
    expect(files.onStack()).toEqual([]);
  });
});
