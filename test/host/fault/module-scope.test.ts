/**
 * The per-module async context (SPEC 6.16) through the real Node.js host: a module's import
 * and hooks run in its scope, and so does everything they start (timers, promises), while its
 * hooks still see their own exports as `this`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModuleContext, ModuleExports } from '../../../src/core/types.js';
import { currentScope, enteredLib, isLatestLib, moduleOfLib, type ModuleScope, openScope, outsideModules } from '../../../src/host/fault/module-scope.js';
import { wrapExports } from '../../../src/host/fault/wrap-exports.js';
import { createNodeHost } from '../../../src/host/node-host.js';

let dir: string;
const probe = Symbol.for('modloader.test.scope-probe');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modloader-scope-'));
  (globalThis as Record<symbol, unknown>)[probe] = currentScope;
});
afterEach(async () => {
  delete (globalThis as Record<symbol, unknown>)[probe];
  await rm(dir, { recursive: true, force: true });
});

const PROBE = `globalThis[Symbol.for('modloader.test.scope-probe')]()`;
const later = (expression: string): string => `new Promise((resolve) => setTimeout(() => Promise.resolve().then(() => resolve(${expression})), 1))`;

async function importModule(name: string, source: string): Promise<ModuleExports> {
  await writeFile(join(dir, `${name}.mjs`), source);
  return createNodeHost({ modulesDir: dir, configDir: dir, logger: pino({ level: 'silent' }) }).importLib(name);
}

describe('a module imported by the Node.js host', () => {
  it('runs its top level, its hooks, and the timers and promises they start in its own scope', async () => {
    const lib = await importModule(
      'res_scoped',
      `export const atImport = await ${later(PROBE)};\n` +
        `export function load() { return ${later(PROBE)}; }\n` +
        `export function unload() { return ${PROBE}; }\n`,
    );
    const atImport = (lib as unknown as { atImport: ModuleScope }).atImport;
    expect(atImport).toMatchObject({ module: 'res_scoped' });
    expect(await lib.load({} as ModuleContext)).toBe(atImport);
    expect(await lib.unload!({} as ModuleContext)).toBe(atImport);
    expect(currentScope()).toBeUndefined();
  });

  it('gives each import a scope of its own; only the latest is the module\'s running code', async () => {
    const source = `export function load() { return ${PROBE}; }\n`;
    const first = (await (await importModule('res_twice', source)).load({} as ModuleContext)) as unknown as ModuleScope;
    const second = (await (await importModule('res_twice', source)).load({} as ModuleContext)) as unknown as ModuleScope;
    expect(second.lib).not.toBe(first.lib);
    expect(isLatestLib(first)).toBe(false);
    expect(isLatestLib(second)).toBe(true);
  });
});

describe('wrapExports', () => {
  it('calls each hook with its own exports as this, its arguments and its result, in the scope, recorded as entered', () => {
    const scope = openScope('app_wrapped');
    const exports = {
      greeting: 'hello',
      load(this: { greeting: string }, ctx: { name: string }) {
        return { said: `${this.greeting} ${ctx.name}`, scope: currentScope(), entered: moduleOfLib(enteredLib()) };
      },
      onCanuseGone(_ctx: unknown, name: string) {
        return outsideModules(() => [name, currentScope()]);
      },
    };
    const wrapped = wrapExports(scope, exports as unknown as ModuleExports);
    expect(wrapped.load({ name: 'world' } as unknown as ModuleContext)).toEqual({ said: 'hello world', scope, entered: 'app_wrapped' });
    expect(enteredLib()).toBe(0);
    expect(wrapped.onCanuseGone!({} as ModuleContext, 'res_gone')).toEqual(['res_gone', undefined]);
    expect((wrapped as unknown as { greeting: string }).greeting).toBe('hello');
    expect(wrapped.unload).toBeUndefined();
  });
});
