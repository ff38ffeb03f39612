import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfError, parseConf } from '../../src/conf/parse.js';
import { confError } from './support/conf-error.js';


describe('parseConf', () => {
  it('reads sections and entries in order, with their lines', () => {
    const conf = parseConf('[modules]\nautoload=no\nload = chan_sip\n\n[uses]\nchan_sip=cdr_custom\n', 'modules.conf');
    expect(conf).toEqual({
      file: 'modules.conf',
      sections: [
        {
          name: 'modules',
          line: 1,
          entries: [
            { key: 'autoload', value: 'no', line: 2, arrow: false },
            { key: 'load', value: 'chan_sip', line: 3, arrow: false },
          ],
        },
        { name: 'uses', line: 5, entries: [{ key: 'chan_sip', value: 'cdr_custom', line: 6, arrow: false }] },
      ],
    });
  });

  it('marks => entries as arrows and keeps everything after the first = in the value', () => {
    const [section] = parseConf('[test]\nexten => s,1,Set(A=b)\nkey = a=b\n', 'extensions.conf').sections;
    expect(section?.entries).toEqual([
      { key: 'exten', value: 's,1,Set(A=b)', line: 2, arrow: true },
      { key: 'key', value: 'a=b', line: 3, arrow: false },
    ]);
  });

  it('keeps repeated keys, in order', () => {
    const [section] = parseConf('[modules]\nneverload=a\nneverload=b\nneverload=a\n', 'm.conf').sections;
    expect(section?.entries.map((entry) => entry.value)).toEqual(['a', 'b', 'a']);
  });

  it('drops ; comments but keeps \\; as a literal semicolon', () => {
    const [section] = parseConf('; header\n[s] ; trailing\nkey=value ; note\nsemi=a\\;b;c\n', 'c.conf').sections;
    expect(section?.name).toBe('s');
    expect(section?.entries).toEqual([
      { key: 'key', value: 'value', line: 3, arrow: false },
      { key: 'semi', value: 'a;b', line: 4, arrow: false },
    ]);
  });

  it('drops ;-- block comments spanning lines, nested, with content after them', () => {
    const text = '[s]\na=1 ;-- starts\nb=2\n;-- nested --;\nc=3 --; d=4\ne=5\n';
    const [section] = parseConf(text, 'c.conf').sections;
    expect(section?.entries.map((entry) => [entry.key, entry.value, entry.line])).toEqual([
      ['a', '1', 2],
      ['d', '4', 5],
      ['e', '5', 6],
    ]);
  });

  it('trims whitespace around keys, values and section names; reads CRLF files with a BOM', () => {
    const conf = parseConf('\uFEFF[ general ]\r\n  key   =   spaced value  \r\n\r\n', 'c.conf');
    expect(conf.sections).toEqual([{ name: 'general', line: 1, entries: [{ key: 'key', value: 'spaced value', line: 2, arrow: false }] }]);
  });

  it('accepts empty values', () => {
    const [section] = parseConf('[s]\nkey=\n', 'c.conf').sections;
    expect(section?.entries[0]).toEqual({ key: 'key', value: '', line: 2, arrow: false });
  });

  it('keeps two sections of the same name apart', () => {
    const conf = parseConf('[a]\nx=1\n[a]\nx=2\n', 'c.conf');
    expect(conf.sections.map((section) => [section.name, section.entries.length])).toEqual([
      ['a', 1],
      ['a', 1],
    ]);
  });

  it('applies templates: (!) is not a section, (name) copies its entries first with their lines', () => {
    const conf = parseConf('[base](!)\nrole=read\n[alice](base)\nsecret=x\n[bob](!,base)\n[carol](bob)\n', 't.conf');
    expect(conf.sections.map((section) => section.name)).toEqual(['alice', 'carol']);
    expect(conf.sections[0]?.entries).toEqual([
      { key: 'role', value: 'read', line: 2, arrow: false },
      { key: 'secret', value: 'x', line: 4, arrow: false },
    ]);
    expect(conf.sections[1]?.entries).toEqual([{ key: 'role', value: 'read', line: 2, arrow: false }]);
  });

  it('appends to an earlier section with (+)', () => {
    const conf = parseConf('[modules]\nload=a\n[uses]\n[modules](+)\nload=b\n', 'm.conf');
    expect(conf.sections.map((section) => [section.name, section.entries.map((entry) => entry.value)])).toEqual([
      ['modules', ['a', 'b']],
      ['uses', []],
    ]);
  });

  it('reads an empty file as no sections', () => {
    expect(parseConf('', 'c.conf').sections).toEqual([]);
    expect(parseConf('; only a comment\n\n', 'c.conf').sections).toEqual([]);
  });

  describe('errors name the file and the line', () => {
    const cases: Array<[string, string, string, number]> = [
      ['an entry before any section', 'autoload=no\n', 'entry_outside_section', 1],
      ['a line that is neither section nor entry', '[s]\na=1\njust words\n', 'malformed_line', 3],
      ['an entry without a key', '[s]\n = value\n', 'empty_key', 2],
      ['a section header without ]', '[s]\n[broken\n', 'malformed_section', 2],
      ['an empty section name', '[]\n', 'malformed_section', 1],
      ['text after the header', '[s] trailing\n', 'malformed_section', 1],
      ['an empty template option', '[s](a,)\n', 'malformed_section', 1],
      ['(+) with other options', '[s]\n[s](+,!)\n', 'malformed_section', 2],
      ['an unknown template', '[s](nope)\n', 'unknown_template', 1],
      ['(+) on an unknown section', '[s](+)\n', 'unknown_template', 1],
      ['#include', '[s]\n#include other.conf\n', 'directive_refused', 2],
      ['#tryinclude', '#tryinclude "/etc/passwd"\n', 'directive_refused', 1],
      ['#exec', '[s]\na=1\n#exec /bin/sh -c id\n', 'directive_refused', 3],
      ['an unclosed block comment (at its opening line)', '[s]\na=1\n;-- never closed\nb=2\n', 'unterminated_comment', 3],
    ];
    it.each(cases)('%s', (_what, text, code, line) => {
      const err = confError(() => parseConf(text, 'x.conf'));
      expect(err.code).toBe(code);
      expect(err.file).toBe('x.conf');
      expect(err.line).toBe(line);
      expect(err.message.startsWith(`x.conf:${line}: `)).toBe(true);
    });
  });
});

describe('parseConf on arbitrary input', () => {
  it('either parses or throws a ConfError, never anything else', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '!', '+', '=', '>', ';', '\\', '--', '#', ' ', '\n', '\r\n', 'a', 'key', 'exten', ',', '\0');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        try {
          parseConf(pieces.join(''), 'fuzz.conf');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
