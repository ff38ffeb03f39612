import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateFrom, removeTempDirs } from '../temp-tree.js';

afterEach(removeTempDirs);

const MODULE = '/*** MODULEINFO\n\t<support_level>core</support_level>\n\t<use type="module">res_a</use>\n ***/\n';

describe('odd input never crashes the generator', () => {
  it('passes over binary junk in source files, even junk that mentions MODULEINFO', async () => {
    const junk = Buffer.concat([randomBytes(50_000), Buffer.from('/*** MODULEINFO\u0000\xff<use type="\u0000">'), randomBytes(50_000)]);
    const { result, manifests } = await generateFrom({ 'junk.c': junk, 'blob.js': randomBytes(100_000), 'ok.js': MODULE });
    expect([...manifests.keys()]).toEqual(['ok']);
    expect(result.errors.every((e) => e.file.endsWith('junk.c'))).toBe(true);
  });

  it('reads CRLF and lone-CR line ends, with the right line numbers', async () => {
    const crlf = MODULE.replaceAll('\n', '\r\n');
    const { manifests } = await generateFrom({ 'crlf.js': crlf, 'cr.js': MODULE.replaceAll('\n', '\r') });
    expect(manifests.get('crlf')?.uses).toEqual([{ type: 'module', name: 'res_a' }]);
    expect(manifests.get('cr')?.uses).toEqual([{ type: 'module', name: 'res_a' }]);

    const bad = 'a\r\nb\r\n/*** MODULEINFO\r\n<use>x</use>\r\n***/\r\n';
    const { result } = await generateFrom({ 'bad.js': bad });
    expect(result.errors.map((e) => e.line)).toEqual([4]);
  });

  it('makes a manifest from an empty MODULEINFO block and ignores an empty DOCUMENTATION block', async () => {
    const { result, manifests } = await generateFrom({ 'empty.js': '/*** MODULEINFO ***/\n/*** DOCUMENTATION\n***/\n' });
    expect(result.errors).toEqual([]);
    expect(manifests.get('empty')).toMatchObject({ name: 'empty', uses: [], provides: [], export_globals: false });
  });

  it('reads a huge source (20 MB) with its MODULEINFO at the top', async () => {
    const filler = '// padding line of a very large generated source file\n'.repeat(400_000);
    const { result, manifests } = await generateFrom({ 'huge.js': `${MODULE}${filler}export function load() {}\n` });
    expect(result.errors).toEqual([]);
    expect(manifests.get('huge')?.uses).toEqual([{ type: 'module', name: 'res_a' }]);
  });

  it('survives a very long single line inside a block', async () => {
    const line = `<description>${'x'.repeat(2_000_000)}</description>`;
    const { result } = await generateFrom({ 'long.js': `/*** MODULEINFO\n${line}\n***/\n` });
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([['invalid_value', 2]]);
  });

  it('gets through pathological lines of repeated tags (no regex blow-up)', async () => {
    const doc = `/*** DOCUMENTATION\n${'<function '.repeat(100_000)}\n***/\n`;
    const info = `/*** MODULEINFO\n<use${' '.repeat(200_000)}x\n***/\n`;
    const { result } = await generateFrom({ 'doc.js': `/*** MODULEINFO\n***/\n${doc}`, 'info.js': info });
    expect(result.written.map((p) => p.split('/').pop())).toEqual(['doc.manifest']);
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([['malformed_element', 2]]);
  });

  it('handles hundreds of sources, reporting progress as it writes', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`dir${i % 7}/mod_${i}.js`] = MODULE;
    for (let i = 0; i < 200; i++) files[`plain_${i}.js`] = 'export const x = 1;\n'.repeat(200);
    const progress: number[] = [];
    const { result } = await generateFrom(files, { onProgress: (p) => p.phase === 'write' && progress.push(p.done) });
    expect(result.written).toHaveLength(400);
    expect(progress.at(-1)).toBe(400);
  });
});
