import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/parse.js';
import type { ManifestProblem } from '../../src/manifest/problem.js';
import { PROPOSAL_MANIFEST } from '../support/proposal.js';

function problems(text: string, file = 'm/x.manifest'): Array<Pick<ManifestProblem, 'code' | 'line' | 'section' | 'key'>> {
  const result = parseManifest(text, file);
  if (result.ok) throw new Error('expected problems');
  for (const p of result.errors) expect(p.file).toBe(file);
  return result.errors.map(({ code, line, section, key }) => ({ code, line, section, key }));
}

const HEAD = '[module]\nname=x\nchecksum=844c2153257936cc25d8b32760780c7b\n';

describe('parseManifest', () => {
  it("reads the proposal's example manifest into the core's Manifest", () => {
    expect(parseManifest(PROPOSAL_MANIFEST, 'modules/func_periodic_hook.manifest')).toEqual({
      ok: true,
      manifest: {
        name: 'func_periodic_hook',
        checksum: '844c2153257936cc25d8b32760780c7b',
        support_level: 'core',
        export_globals: true,
        config: [],
        uses: [
          { type: 'module', name: 'app_chanspy' },
          { type: 'module', name: 'func_cut' },
          { type: 'module', name: 'func_groupcount' },
          { type: 'module', name: 'func_uri' },
        ],
        canuse: [],
        provides: [{ type: 'function', name: 'PERIODIC_HOOK', priority: 0 }],
      },
    });
  });

  it('reads provider priorities, defaulting to 0, and keeps repeated config keys in order', () => {
    const result = parseManifest(
      `${HEAD}config=extensions.conf\nconfig=extconfig.conf\nload_priority=timing\n[provides]\nservice=timer:200\nrealtime=sqlite3\nservice=clock:-5\n`,
      'x.manifest',
    );
    expect(result.ok && result.manifest.config).toEqual(['extensions.conf', 'extconfig.conf']);
    expect(result.ok && result.manifest.load_priority).toBe('timing');
    expect(result.ok && result.manifest.provides).toEqual([
      { type: 'service', name: 'timer', priority: 200 },
      { type: 'realtime', name: 'sqlite3', priority: 0 },
      { type: 'service', name: 'clock', priority: -5 },
    ]);
  });

  it('defaults export_globals to no and accepts sha256 checksums, in any case', () => {
    const digest = 'AB'.repeat(32);
    const result = parseManifest(`[module]\nname=x\nchecksum=sha256:${digest}\n`, 'x.manifest');
    expect(result.ok && result.manifest.export_globals).toBe(false);
    expect(result.ok && result.manifest.checksum).toBe(`sha256:${digest.toLowerCase()}`);
  });

  it('accepts CRLF line ends, comments and blank lines, and reports lines as a reader counts them', () => {
    const text = '; generated\r\n[module]\r\n\r\nname=x\r\n# note\r\nchecksum=nothex\r\n';
    expect(problems(text)).toEqual([{ code: 'invalid_value', line: 6, section: 'module', key: 'checksum' }]);
  });

  it('keeps values that ini would turn into booleans as text', () => {
    const result = parseManifest(`${HEAD}[uses]\nfunction=true\nfunction=null\n`, 'x.manifest');
    expect(result.ok && result.manifest.uses.map((u) => u.name)).toEqual(['true', 'null']);
  });

  it('requires name and checksum, naming the [module] line', () => {
    expect(problems('[module]\nsupport_level=core\n')).toEqual([
      { code: 'missing_key', line: 1, section: 'module', key: 'name' },
      { code: 'missing_key', line: 1, section: 'module', key: 'checksum' },
    ]);
    expect(problems('')).toEqual([
      { code: 'missing_key', line: undefined, section: 'module', key: 'name' },
      { code: 'missing_key', line: undefined, section: 'module', key: 'checksum' },
    ]);
  });

  it('requires name to equal the file base name when the file is a .manifest', () => {
    expect(problems(HEAD, 'modules/y.manifest')).toEqual([{ code: 'name_mismatch', line: 2, section: 'module', key: 'name' }]);
    expect(parseManifest(HEAD, 'request body').ok).toBe(true);
  });

  it('reports every problem at once, each with its section, key and line', () => {
    const text = [
      'stray=1', //                         1 before any section
      '[module]', //                        2
      'name=bad name', //                   3 pattern
      'name=x', //                          4 repeated
      'checksum=1234', //                   5 pattern
      'support_level=gold', //              6 enum
      'load_priority=soon', //              7 enum
      'export_globals=maybe', //            8 yes/no
      'config=../etc/passwd', //            9 not a file name
      'colour=red', //                      10 unknown key
      'bare', //                            11 no '='
      '=value', //                          12 no key
      '[uses]', //                          13
      'Module=x', //                        14 type pattern
      'module=a/b', //                      15 name pattern
      'module=a', //                        16
      'module=a', //                        17 duplicate
      '[provides]', //                      18
      'service=timer:soon', //              19 priority
      'service=timer:1', //                 20
      'service=timer:2', //                 21 duplicate regardless of priority
      '[extras]', //                        22 unknown section
      'a=1', //                             23 ignored: reported at its section
    ].join('\n');
    expect(problems(text, 'm/bad name.manifest')).toEqual([
      { code: 'syntax', line: 1, section: undefined, key: 'stray' },
      { code: 'invalid_value', line: 3, section: 'module', key: 'name' },
      { code: 'repeated_key', line: 4, section: 'module', key: 'name' },
      { code: 'invalid_value', line: 5, section: 'module', key: 'checksum' },
      { code: 'invalid_value', line: 6, section: 'module', key: 'support_level' },
      { code: 'invalid_value', line: 7, section: 'module', key: 'load_priority' },
      { code: 'invalid_value', line: 8, section: 'module', key: 'export_globals' },
      { code: 'invalid_value', line: 9, section: 'module', key: 'config' },
      { code: 'unknown_key', line: 10, section: 'module', key: 'colour' },
      { code: 'syntax', line: 11, section: 'module', key: 'bare' },
      { code: 'syntax', line: 12, section: 'module', key: undefined },
      { code: 'invalid_value', line: 14, section: 'uses', key: 'Module' },
      { code: 'invalid_value', line: 15, section: 'uses', key: 'module' },
      { code: 'duplicate_entry', line: 17, section: 'uses', key: 'module' },
      { code: 'invalid_value', line: 19, section: 'provides', key: 'service' },
      { code: 'duplicate_entry', line: 21, section: 'provides', key: 'service' },
      { code: 'unknown_section', line: 22, section: 'extras', key: undefined },
    ]);
  });

  it('rejects nested and prototype-named sections without being misled by ini', () => {
    expect(problems(`${HEAD}[module.sub]\nx=1\n[__proto__]\ny=2\n`).map((p) => p.code)).toContain('unknown_section');
    expect(problems(`${HEAD}__proto__=1\n`)).toEqual([{ code: 'unknown_key', line: 4, section: 'module', key: '__proto__' }]);
  });

  it('never throws, whatever the bytes', () => {
    for (const junk of ['\u0000\u0001[[[', '[module\nname', '\uFFFD'.repeat(1000), '='.repeat(50), '[module]\n' + 'x'.repeat(100_000)]) {
      expect(parseManifest(junk, 'j.manifest').ok).toBe(false);
    }
  });
});
