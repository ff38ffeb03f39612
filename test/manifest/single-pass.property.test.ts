/**
 * The single-pass manifest reader against the thorough one (ini, line scan, zod schema) on
 * random texts: whatever the single-pass reader accepts, the thorough reader accepts too and
 * reads into the same manifest, key for key; and it accepts everything the writer writes, so
 * a scan takes the fast way for generated manifests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest, parseManifestThoroughly } from '../../src/manifest/parse.js';
import { readManifestFast } from '../../src/manifest/single-pass.js';
import { formatManifest } from '../../src/manifest/format.js';
import { manifestArbitrary } from './manifest-arbitrary.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);

/**
 * Characters that matter to INI readers, blanks of several kinds, ordinary ones, and pieces
 * of lines (a lone carriage return ends a line for `ini`, even inside a comment).
 */
const EDIT_CHARS = [
  ...[' ', '\t', '\r', '\n', '\r\n', ';', '#', '\\', '"', "'", '=', '[', ']', ':', 'é', '\u00a0', '\ufeff', 'a', 'Z', '0', '-', '_', '.'],
  ...['module', 'uses', '\rname=other', '; note\r', '\rconfig=x.conf', '\n[canuse]\n', ':5', '\nsupport_level=core'],
];

/** Whole lines, each breaking or bending one rule (or none). */
const LINES = [
  '; note\rname=other',
  '# note\rconfig=x.conf',
  '; a comment',
  '   ',
  'name=other',
  'config=y.conf',
  'config=../etc/passwd',
  'module=res_x',
  'module=res.x',
  'module=' + 'm'.repeat(70),
  'function=FOO',
  'function=FOO:12',
  'function=FOO:1234567890',
  'description=' + 'd'.repeat(600),
  'description=two  spaces',
  'description="quoted; with \\"escapes\\""',
  "description='single'",
  'support_level=extended',
  'load_priority=core',
  'load_priority=nonsense',
  'export_globals=yes',
  'export_globals=true',
  'Name=upper',
  '[provides]',
  '[uses]',
  '[module.sub]',
  '[__proto__]',
  '__proto__=x',
];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'insert-line'; at: number; text: string }
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...EDIT_CHARS) }),
  fc.record({ kind: fc.constant('insert-line' as const), at: fc.nat(), text: fc.constantFrom(...LINES) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat() }),
);

function apply(text: string, edits: Edit[]): string {
  for (const e of edits) {
    const at = e.at % (text.length + 1);
    if (e.kind === 'insert') text = text.slice(0, at) + e.text + text.slice(at);
    else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1);
    else {
      const lines = text.split('\n');
      const i = e.at % lines.length;
      if (e.kind === 'insert-line') lines.splice(i, 0, e.text);
      else if (e.kind === 'duplicate-line') lines.splice(i, 0, lines[i]!);
      else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      text = lines.join('\n');
    }
  }
  return text;
}

/** The same manifest laid out as a person might: blanks around `=`, comments, CRLF, upper case. */
function relaid(text: string, style: { spaces: boolean; comments: boolean; crlf: boolean; upper: boolean }): string {
  let lines = text.split('\n');
  if (style.upper) lines = lines.map((l) => (l.startsWith('checksum=') ? l.toUpperCase().replace('CHECKSUM=SHA256:', 'checksum=sha256:').replace('CHECKSUM=', 'checksum=') : l));
  if (style.spaces) lines = lines.map((l) => (l.startsWith('[') ? l : l.replace('=', ' = ')));
  if (style.comments) lines = lines.flatMap((l) => (l.startsWith('[') ? [l, '; written by hand', ''] : [l]));
  return lines.join(style.crlf ? '\r\n' : '\n');
}

/** The single-pass answer, when there is one, is the thorough answer exactly. */
function agrees(text: string, file: string): boolean {
  const fast = readManifestFast(text, file);
  const thorough = parseManifestThoroughly(text, file);
  if (fast === null) {
    // parseManifest then answers the thorough result, errors and all.
    expect(parseManifest(text, file)).toEqual(thorough);
    return false;
  }
  expect(thorough).toEqual({ ok: true, manifest: fast });
  expect(JSON.stringify(fast)).toBe(JSON.stringify((thorough as { manifest: unknown }).manifest));
  return true;
}

describe('the single-pass manifest reader', () => {
  it('reads everything the writer writes, laid out any common way, into what the thorough reader reads', () => {
    fc.assert(
      fc.property(manifestArbitrary, fc.record({ spaces: fc.boolean(), comments: fc.boolean(), crlf: fc.boolean(), upper: fc.boolean() }), (manifest, style) => {
        const text = relaid(formatManifest(manifest), style);
        expect(agrees(text, `${manifest.name}.manifest`)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('accepts nothing the thorough reader would read differently or reject, on randomly edited manifests', () => {
    let accepted = 0;
    fc.assert(
      fc.property(manifestArbitrary, fc.array(edit, { minLength: 1, maxLength: 4 }), fc.nat(3), (manifest, edits, naming) => {
        const text = apply(formatManifest(manifest), edits);
        const file = [`${manifest.name}.manifest`, `/srv/modules/${manifest.name}.manifest`, 'body', 'other_name.manifest'][naming]!;
        if (agrees(text, file)) accepted += 1;
      }),
      { numRuns: runs * 3 },
    );
    // The edits leave many texts valid (a blank inserted, a line swapped within a section):
    // the comparison above was made on accepted texts too, not only on refusals.
    expect(accepted).toBeGreaterThan(runs / 10);
  });

  it('agrees on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...EDIT_CHARS, 'name', 'checksum', '0123456789abcdef'.repeat(2), 'x', 'y') }), (text) => {
        agrees(text, 'body');
      }),
      { numRuns: runs },
    );
  });
});
