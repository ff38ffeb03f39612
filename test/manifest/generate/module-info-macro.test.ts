import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/manifest.js';
import { generateManifests, type GenerateResult } from '../../../src/manifest/generate/generate.js';
import { copyFixture, generateFrom, readManifest, removeTempDirs, tempDir } from '../temp-tree.js';

afterEach(removeTempDirs);

describe('the AST_MODULE_INFO macro of today\'s Asterisk sources (fixture asterisk-tree)', () => {
  let out: string;
  let result: GenerateResult;
  let src: string;
  const manifest = (name: string): Promise<Manifest> => readManifest(join(out, `${name}.manifest`));

  beforeEach(async () => {
    src = await copyFixture('asterisk-tree');
    out = await tempDir();
    result = await generateManifests(src, { out });
  });

  it('makes a manifest for every file with MODULEINFO and the macro, and nothing else', () => {
    expect(result.errors).toEqual([]);
    expect(result.written).toEqual(
      ['app_demo', 'chan_tdesc', 'func_std', 'res_w', 'res_x', 'res_y', 'res_z'].map((n) => join(out, `${n}.manifest`)),
    );
  });

  it('lists a MODULEINFO-only file as part of a multi-file module, and a macro-only file, as skipped', () => {
    expect(result.skipped.map((s) => s.file)).toEqual([join(src, 'apps/confdemo/conf_part.c'), join(src, 'main/only_macro.c')]);
  });

  it('.requires gives [uses] module=…, written once when MODULEINFO lists it too', async () => {
    expect((await manifest('app_demo')).uses).toEqual([
      { type: 'module', name: 'res_x' },
      { type: 'module', name: 'res_y' },
    ]);
  });

  it('.optional_modules gives [canuse] module=…', async () => {
    expect((await manifest('app_demo')).canuse).toEqual([
      { type: 'module', name: 'res_w' },
      { type: 'module', name: 'res_z' },
    ]);
  });

  it('.load_pri = AST_MODPRI_X (with or without an offset) gives load_priority=x', async () => {
    expect((await manifest('app_demo')).load_priority).toBe('app_depend');
    expect((await manifest('chan_tdesc')).load_priority).toBe('channel_driver');
    expect((await manifest('res_x')).load_priority).toBeUndefined();
  });

  it('AST_MODFLAG_GLOBAL_SYMBOLS gives export_globals=yes', async () => {
    expect((await manifest('app_demo')).export_globals).toBe(true);
    expect((await manifest('chan_tdesc')).export_globals).toBe(false);
  });

  it('the description string gives description: a literal, joined literals, or a tdesc constant', async () => {
    expect((await manifest('app_demo')).description).toBe('Demo Application');
    expect((await manifest('func_std')).description).toBe('Standard function, "quoted"');
    expect((await manifest('chan_tdesc')).description).toBe('Demo Telephony');
  });

  it('reads fields across comments, #ifdef lines and split string literals', async () => {
    const m = await manifest('chan_tdesc');
    expect(m.uses).toEqual([{ type: 'module', name: 'res_y' }]);
    expect(m.canuse).toEqual([
      { type: 'module', name: 'res_x' },
      { type: 'module', name: 'res_z' },
    ]);
  });

  it("keeps MODULEINFO's support_level, and takes the macro's when MODULEINFO has none", async () => {
    expect((await manifest('app_demo')).support_level).toBe('core');
    expect((await manifest('func_std')).support_level).toBe('extended');
  });

  it('still reads DOCUMENTATION providers of a .c module', async () => {
    expect((await manifest('app_demo')).provides.map((p) => `${p.type}=${p.name}`)).toEqual([
      'application=Demo',
      'function=DEMO_FN',
      'manager=DemoAction',
    ]);
  });

  it('takes the checksum of the source when no binary is beside it, and of <name>.so when there is one', async () => {
    const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
    expect((await manifest('res_x')).checksum).toBe(md5(await readFile(join(src, 'res/res_x.c'))));
    await writeFile(join(src, 'res/res_x.so'), 'ELF pretend');
    await generateManifests(src, { out });
    expect((await manifest('res_x')).checksum).toBe(md5(Buffer.from('ELF pretend')));
  });
});

describe('AST_MODULE_INFO problems', () => {
  it('names the line of an unknown load priority and of a .requires that is not a string', async () => {
    const text = [
      '/*** MODULEINFO',
      '***/',
      'AST_MODULE_INFO(ASTERISK_GPL_KEY, AST_MODFLAG_DEFAULT, "X",',
      '\t.load_pri = AST_MODPRI_SOMETIME,',
      '\t.requires = REQUIRED_LIST,',
      ');',
    ].join('\n');
    const { result } = await generateFrom({ 'mod_x.c': text });
    expect(result.errors.map((e) => [e.code, e.line, e.key])).toEqual([
      ['malformed_macro', 4, 'load_pri'],
      ['malformed_macro', 5, 'requires'],
    ]);
  });

  it('names the line of an invocation that is never closed', async () => {
    const { result } = await generateFrom({ 'mod_x.c': '/*** MODULEINFO\n***/\n\nAST_MODULE_INFO(ASTERISK_GPL_KEY, 0, "X",\n\t.requires = "a",\n' });
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([['malformed_macro', 4]]);
  });

  it('does not take a #define of the macro for an invocation', async () => {
    const { result, manifests } = await generateFrom({
      'defs.c': '/*** MODULEINFO\n***/\n#define AST_MODULE_INFO(a, b, c) struct x\n',
    });
    // No invocation anywhere: a tree written to the proposal's rules, where MODULEINFO is enough.
    expect(result.skipped).toEqual([]);
    expect([...manifests.keys()]).toEqual(['defs']);
  });
});

describe('a tree written to the proposal\'s rules (no AST_MODULE_INFO anywhere)', () => {
  it('makes every .c file with a MODULEINFO block a module', async () => {
    const { result, manifests } = await generateFrom({
      'res_timing_timerfd.c': '/*** MODULEINFO\n\t<provides type="service">timer:200</provides>\n\t<load_priority>timing</load_priority>\n***/\n',
      'util.c': 'int helper(void) { return 0; }\n',
    });
    expect(result.skipped).toEqual([]);
    expect([...manifests.keys()]).toEqual(['res_timing_timerfd']);
    expect(manifests.get('res_timing_timerfd')?.provides).toEqual([{ type: 'service', name: 'timer', priority: 200 }]);
  });
});
