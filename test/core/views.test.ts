import { describe, expect, it } from 'vitest';
import { pbxSpecs } from './support/pbx-specs.js';
import { entries, world } from './support/world.js';

describe('why (6.12)', () => {
  it('gives every chain of users from a root down to the module', async () => {
    const w = world(pbxSpecs, {
      require: entries('modules.conf', 'chan_sip'),
    });
    await w.loader.startup();
    await w.loader.addUser('res_rtp_asterisk', { holder: 'ops' });
    const chains = w.loader.why('res_rtp_asterisk');
    expect(chains.map((c) => `${c.root.kind}:${c.root.holder} ${c.path.join('>')}`)).toEqual([
      'admin:admin chan_sip>res_rtp_asterisk',
      'external:ops res_rtp_asterisk',
    ]);
    expect(w.loader.why('app_dial')).toEqual([]);
  });
});
