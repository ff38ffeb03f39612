import { afterEach, describe, expect, it } from 'vitest';
import { generateFrom, jsModule, removeTempDirs } from '../temp-tree.js';

afterEach(removeTempDirs);

/** The manifest generated from one JS module with these MODULEINFO lines. */
async function manifestOf(moduleInfo: string[], documentation: string[] = []) {
  const { result, manifests } = await generateFrom({ 'mod_x.js': jsModule(moduleInfo, documentation) });
  expect(result.errors).toEqual([]);
  const manifest = manifests.get('mod_x');
  if (!manifest) throw new Error('no manifest written');
  return manifest;
}

describe('MODULEINFO extraction rules (SPEC 4)', () => {
  it('<support_level> gives [module] support_level', async () => {
    expect((await manifestOf(['<support_level>extended</support_level>'])).support_level).toBe('extended');
  });

  it('<use type="module"> gives [uses] module=…, and other types too', async () => {
    const m = await manifestOf([
      '<use type="module">app_chanspy</use>',
      '<use type="application">Gosub</use>',
      '<use type="function">CHANNEL</use>',
      '<use type="service">timer</use>',
      '<use type="realtime">sqlite3</use>',
    ]);
    expect(m.uses).toEqual([
      { type: 'module', name: 'app_chanspy' },
      { type: 'application', name: 'Gosub' },
      { type: 'function', name: 'CHANNEL' },
      { type: 'service', name: 'timer' },
      { type: 'realtime', name: 'sqlite3' },
    ]);
  });

  it('drops <use type="external"> and <depend>, typed or not: they are build-time only', async () => {
    const m = await manifestOf([
      '<use type="external">openssl</use>',
      '<depend>func_cut</depend>',
      '<depend type="module">func_uri</depend>',
      '<use type="module">app_chanspy</use>',
    ]);
    expect(m.uses).toEqual([{ type: 'module', name: 'app_chanspy' }]);
  });

  it('<canuse type="module"> gives [canuse] module=…', async () => {
    expect((await manifestOf(['<canuse type="module">res_crypto</canuse>'])).canuse).toEqual([{ type: 'module', name: 'res_crypto' }]);
  });

  it('<provides type="service">timer:200</provides> gives [provides] service=timer:200', async () => {
    expect((await manifestOf(['<provides type="service">timer:200</provides>', '<provides type="realtime">sqlite3</provides>'])).provides).toEqual([
      { type: 'service', name: 'timer', priority: 200 },
      { type: 'realtime', name: 'sqlite3', priority: 0 },
    ]);
  });

  it('<export_globals/> gives export_globals=yes; without it, no', async () => {
    expect((await manifestOf(['<export_globals/>'])).export_globals).toBe(true);
    expect((await manifestOf(['<support_level>core</support_level>'])).export_globals).toBe(false);
  });

  it('<load_priority> gives [module] load_priority', async () => {
    expect((await manifestOf(['<load_priority>channel_driver</load_priority>'])).load_priority).toBe('channel_driver');
  });

  it('<config> gives [module] config, once per file', async () => {
    expect((await manifestOf(['<config>sip.conf</config>', '<config>extensions.conf</config>'])).config).toEqual(['sip.conf', 'extensions.conf']);
  });

  it('<description> gives [module] description, blanks collapsed', async () => {
    expect((await manifestOf(['<description>  Periodic   dialplan hooks  </description>'])).description).toBe('Periodic dialplan hooks');
  });

  it('decodes the XML entities &amp; &lt; &gt; &quot; &apos; in extracted text', async () => {
    const m = await manifestOf(['<description>Caller*ID &amp; &lt;name&gt; &quot;lookup&quot; &apos;db&apos;</description>']);
    expect(m.description).toBe(`Caller*ID & <name> "lookup" 'db'`);
  });

  it('accepts single-quoted attributes and decodes entities in them', async () => {
    expect((await manifestOf(["<use type='module'>func_cut</use>"])).uses).toEqual([{ type: 'module', name: 'func_cut' }]);
  });

  it('writes an entry listed twice only once', async () => {
    const m = await manifestOf(['<use type="module">func_cut</use>', '<use type="module">func_cut</use>']);
    expect(m.uses).toEqual([{ type: 'module', name: 'func_cut' }]);
  });

  it('leaves lines of other elements (<defaultenabled>, <conflict>, comments) alone', async () => {
    const m = await manifestOf(['<defaultenabled>no</defaultenabled>', '<conflict>a</conflict><conflict>b</conflict>', '<!-- note -->', 'free text']);
    expect(m.uses).toEqual([]);
  });
});

describe('DOCUMENTATION extraction rules (SPEC 4)', () => {
  it('<application name="X"> gives [provides] application=X', async () => {
    const m = await manifestOf([], ['<application name="Gosub" language="en_US">', '<see-also><ref type="application">Return</ref></see-also>', '</application>']);
    expect(m.provides).toEqual([{ type: 'application', name: 'Gosub', priority: 0 }]);
  });

  it('<function name="X"> gives [provides] function=X', async () => {
    expect((await manifestOf([], ['<function name="PERIODIC_HOOK" language="en_US">', '</function>'])).provides).toEqual([
      { type: 'function', name: 'PERIODIC_HOOK', priority: 0 },
    ]);
  });

  it('<manager name="X"> gives [provides] manager=X (an AMI-style action)', async () => {
    expect((await manifestOf([], ['<manager name="ShowDialPlan" language="en_US">', '</manager>'])).provides).toEqual([
      { type: 'manager', name: 'ShowDialPlan', priority: 0 },
    ]);
  });

  it('ignores other documented things (managerEvent, agi, configInfo)', async () => {
    const m = await manifestOf([], ['<managerEvent language="en_US" name="Hook">', '<agi name="say hi" language="en_US">', '<configInfo name="res_x" language="en_US">']);
    expect(m.provides).toEqual([]);
  });

  it('keeps MODULEINFO providers first and lists a provider documented again once', async () => {
    const m = await manifestOf(['<provides type="application">Dial</provides>'], ['<application name="Dial" language="en_US">', '<application name="RetryDial" language="en_US">']);
    expect(m.provides.map((p) => `${p.type}=${p.name}`)).toEqual(['application=Dial', 'application=RetryDial']);
  });
});
