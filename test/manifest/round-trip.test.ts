import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/parse.js';
import { formatManifest } from '../../src/manifest/format.js';
import { manifestArbitrary } from './manifest-arbitrary.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);

describe('manifest round trip', () => {
  it('gives back the same manifest after writing it and parsing the text', () => {
    fc.assert(
      fc.property(manifestArbitrary, (manifest) => {
        const parsed = parseManifest(formatManifest(manifest), `${manifest.name}.manifest`);
        expect(parsed).toEqual({ ok: true, manifest: normalised(manifest) });
      }),
      { numRuns: runs },
    );
  });

  it('writes the same text again after a parse (the text form is stable)', () => {
    fc.assert(
      fc.property(manifestArbitrary, (manifest) => {
        const text = formatManifest(manifest);
        const parsed = parseManifest(text, 'any-source');
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        expect(formatManifest(parsed.manifest)).toBe(text);
      }),
      { numRuns: runs },
    );
  });
});

/** The parser always sets the optional keys it knows, as undefined when absent. */
function normalised(m: object): object {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
}
