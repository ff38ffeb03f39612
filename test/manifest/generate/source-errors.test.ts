import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateManifests } from '../../../src/manifest/generate/generate.js';
import type { ManifestProblem } from '../../../src/manifest/problem.js';
import { generateFrom, removeTempDirs } from '../temp-tree.js';

afterEach(removeTempDirs);

/** Generates from one file `name` and answers its problems as {code, line}, checking the file. */
async function problemsOf(name: string, text: string): Promise<Array<Pick<ManifestProblem, 'code' | 'line' | 'key'>>> {
  const { dir, result } = await generateFrom({ [name]: text });
  expect(result.written).toEqual([]);
  for (const p of result.errors) expect(p.file).toBe(join(dir, name));
  return result.errors.map(({ code, line, key }) => ({ code, line, key }));
}

describe('sources that break the rules', () => {
  it('names file and line of a <use> without a type attribute, and still writes the manifest without it', async () => {
    const text = '// head\n/*** MODULEINFO\n\t<support_level>core</support_level>\n\t<use>ilbc</use>\n ***/\n';
    const { dir, result, manifests } = await generateFrom({ 'codec_x.js': text });
    expect(result.errors.map(({ code, line, key, file }) => ({ code, line, key, file }))).toEqual([
      { code: 'untyped_use', line: 4, key: 'use', file: join(dir, 'codec_x.js') },
    ]);
    expect(manifests.get('codec_x')).toMatchObject({ support_level: 'core', uses: [] });
  });

  it('requires a type on <canuse> and <provides> as well', async () => {
    const text = '/*** MODULEINFO\n<canuse>res_a</canuse>\n<provides>timer:5</provides>\n***/\n';
    expect(await problemsOf('m.js', text)).toEqual([
      { code: 'missing_type', line: 2, key: 'canuse' },
      { code: 'missing_type', line: 3, key: 'provides' },
    ]);
  });

  it('refuses two elements on one line, and an element split over lines', async () => {
    const text = [
      '/*** MODULEINFO',
      '<use type="module">a</use><use type="module">b</use>',
      '<description>starts here',
      'and ends here</description>',
      '***/',
    ].join('\n');
    expect(await problemsOf('m.js', text)).toEqual([
      { code: 'malformed_element', line: 2, key: 'use' },
      { code: 'malformed_element', line: 3, key: 'description' },
    ]);
  });

  it('refuses two providers documented on one line', async () => {
    const text = '/*** MODULEINFO\n***/\n/*** DOCUMENTATION\n<function name="A"></function><function name="B"></function>\n***/\n';
    expect(await problemsOf('m.js', text)).toEqual([{ code: 'malformed_element', line: 4, key: 'function' }]);
  });

  it('reports each bad value with its line: all of them, not only the first', async () => {
    const text = [
      '/*** MODULEINFO', //                                  1
      '<support_level>gold</support_level>', //              2
      '<load_priority>soon</load_priority>', //              3
      '<use type="Module">x</use>', //                       4
      '<use type="module">../etc</use>', //                  5
      '<provides type="service">timer:fast</provides>', //   6
      '<config>/etc/passwd</config>', //                     7
      '<export_globals>no</export_globals>', //              8
      '<support_level>core</support_level>', //              9
      '<support_level>extended</support_level>', //          10 repeated
      '<provides type="service">timer:1</provides>', //      11
      '<provides type="service">timer:2</provides>', //      12 conflicting priority
      '***/',
      '/*** DOCUMENTATION',
      '<application name="Bad Name">', //                    15
      '***/',
    ].join('\n');
    expect(await problemsOf('m.js', text)).toEqual([
      { code: 'invalid_value', line: 2, key: 'support_level' },
      { code: 'invalid_value', line: 3, key: 'load_priority' },
      { code: 'invalid_value', line: 4, key: 'use' },
      { code: 'invalid_value', line: 5, key: 'use' },
      { code: 'invalid_value', line: 6, key: 'provides' },
      { code: 'invalid_value', line: 7, key: 'config' },
      { code: 'invalid_value', line: 8, key: 'export_globals' },
      { code: 'repeated_key', line: 10, key: 'support_level' },
      { code: 'duplicate_entry', line: 12, key: 'provides' },
      { code: 'invalid_value', line: 15, key: 'application' },
    ]);
  });

  it('names the opening line of a block that is never closed', async () => {
    expect(await problemsOf('m.js', 'x\n\n/*** MODULEINFO\n<support_level>core</support_level>\n')).toEqual([
      { code: 'unterminated_block', line: 3, key: undefined },
    ]);
  });

  it('refuses a module whose file name is not a module name', async () => {
    expect(await problemsOf('bad.name.js', '/*** MODULEINFO\n***/\n')).toEqual([{ code: 'invalid_module_name', line: undefined, key: undefined }]);
  });

  it('names both files when two sources declare the same module, and writes neither', async () => {
    const { dir, result } = await generateFrom({
      'a/mod_x.js': '/*** MODULEINFO\n***/\n',
      'b/mod_x.mjs': '/*** MODULEINFO\n***/\n',
    });
    expect(result.written).toEqual([]);
    expect(result.errors.map((e) => [e.code, e.file])).toEqual([
      ['duplicate_module', join(dir, 'a/mod_x.js')],
      ['duplicate_module', join(dir, 'b/mod_x.mjs')],
    ]);
    expect(result.errors[0]?.message).toContain(join(dir, 'b/mod_x.mjs'));
  });

  it('still writes the good modules of a tree that has a bad one', async () => {
    const { result, manifests } = await generateFrom({ 'good.js': '/*** MODULEINFO\n***/\n', 'bad.js': '/*** MODULEINFO\n<canuse>x</canuse>\n***/\n' });
    expect([...manifests.keys()]).toEqual(['good']);
    expect(result.errors.map((e) => e.code)).toEqual(['missing_type']);
  });

  it('reports a source directory that does not exist instead of throwing', async () => {
    const { dir } = await generateFrom({});
    const result = await generateManifests(join(dir, 'nope'));
    expect(result.errors.map((e) => e.code)).toEqual(['read_error']);
  });
});
