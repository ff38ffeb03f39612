import { describe, expect, it } from 'vitest';
import { pbxSpecs } from './support/pbx-specs.js';
import { world } from './support/world.js';

describe('events', () => {
  it('number events strictly increasing without gaps and carry the op and cause', async () => {
    const w = world(pbxSpecs, { autoload: true });
    await w.loader.startup({ cause: 'boot' });
    await w.loader.unload('chan_sip', { cause: 'req-7' });
    const seqs = w.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(w.loader.nextSeq).toBe(seqs.length + 1);
    expect(w.events.every((e) => typeof e.op === 'string' && !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(w.loader.opLog().map((o) => [o.kind, o.ok])).toEqual([
      ['startup', true],
      ['unload', true],
    ]);
  });
});
