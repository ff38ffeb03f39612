/** fast-check generators for valid manifests, shared by the manifest property tests. */
import fc from 'fast-check';
import { LOAD_PRIORITIES, SUPPORT_LEVELS, type Manifest } from '../../src/core/manifest.js';
import { MODULE_NAME_PATTERN } from '../../src/core/names.js';
import { CONFIG_FILE_PATTERN, descriptionSchema, REF_NAME_PATTERN, REF_TYPE_PATTERN } from '../../src/manifest/schema.js';

const moduleName = fc.stringMatching(MODULE_NAME_PATTERN);
const refType = fc.oneof(
  fc.constantFrom('module', 'application', 'function', 'service', 'realtime', 'codec'),
  fc.stringMatching(REF_TYPE_PATTERN).filter((t) => t.length <= 20),
);
const refName = fc.stringMatching(REF_NAME_PATTERN);

/** Text with the characters INI treats specially: `; # \ " ' = [ ]`, blanks, non-ASCII. */
const description = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ';', '#', '\\', '"', "'", '=', '[', ']', ':', 'é', '*', '/'), minLength: 1, maxLength: 40 })
  .filter((s) => descriptionSchema.safeParse(s).success);

const ref = fc
  .tuple(refType, refName, moduleName)
  .map(([type, name, module]) => ({ type, name: type === 'module' ? module : name }));

const uniqueRefs = fc.uniqueArray(ref, { selector: (r) => `${r.type}=${r.name}`, maxLength: 6 });

export const manifestArbitrary: fc.Arbitrary<Manifest> = fc.record({
  name: moduleName,
  checksum: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`)),
  support_level: fc.option(fc.constantFrom(...SUPPORT_LEVELS), { nil: undefined }),
  load_priority: fc.option(fc.constantFrom(...LOAD_PRIORITIES), { nil: undefined }),
  export_globals: fc.boolean(),
  config: fc.uniqueArray(fc.stringMatching(CONFIG_FILE_PATTERN), { maxLength: 3 }),
  description: fc.option(description, { nil: undefined }),
  uses: uniqueRefs,
  canuse: uniqueRefs,
  provides: fc.uniqueArray(
    fc.tuple(ref, fc.oneof(fc.constant(0), fc.integer({ min: -999, max: 999_999 }))).map(([r, priority]) => ({ ...r, priority })),
    { selector: (r) => `${r.type}=${r.name}`, maxLength: 6 },
  ),
});
