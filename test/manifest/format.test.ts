import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/core/manifest.js';
import { formatManifest } from '../../src/manifest/format.js';

const base: Manifest = {
  name: 'func_periodic_hook',
  checksum: '844c2153257936cc25d8b32760780c7b',
  support_level: 'core',
  export_globals: true,
  config: [],
  uses: ['app_chanspy', 'func_cut', 'func_groupcount', 'func_uri'].map((name) => ({ type: 'module', name })),
  canuse: [],
  provides: [{ type: 'function', name: 'PERIODIC_HOOK', priority: 0 }],
};

describe('formatManifest', () => {
  it("writes the proposal's example manifest byte for byte", () => {
    expect(formatManifest(base)).toBe(
      [
        '[module]',
        'name=func_periodic_hook',
        'checksum=844c2153257936cc25d8b32760780c7b',
        'support_level=core',
        'export_globals=yes',
        '',
        '[uses]',
        'module=app_chanspy',
        'module=func_cut',
        'module=func_groupcount',
        'module=func_uri',
        '',
        '[provides]',
        'function=PERIODIC_HOOK',
        '',
      ].join('\n'),
    );
  });

  it('puts the [module] keys in the proposal order and leaves out export_globals=no and empty sections', () => {
    const text = formatManifest({
      ...base,
      export_globals: false,
      load_priority: 'channel_driver',
      config: ['sip.conf', 'extensions.conf'],
      description: 'Session Initiation Protocol (SIP)',
      uses: [],
      canuse: [{ type: 'module', name: 'res_crypto' }],
      provides: [{ type: 'service', name: 'timer', priority: 200 }],
    });
    expect(text).toBe(
      [
        '[module]',
        'name=func_periodic_hook',
        'checksum=844c2153257936cc25d8b32760780c7b',
        'support_level=core',
        'load_priority=channel_driver',
        'config=sip.conf',
        'config=extensions.conf',
        'description=Session Initiation Protocol (SIP)',
        '',
        '[canuse]',
        'module=res_crypto',
        '',
        '[provides]',
        'service=timer:200',
        '',
      ].join('\n'),
    );
  });

  it('quotes a description that INI would otherwise cut at ; or #', () => {
    expect(formatManifest({ ...base, description: 'a; b # c' })).toContain('description="a; b # c"');
  });
});
