import { describe, expect, it } from 'vitest';
import { parseModuleName } from '../../src/core/names.js';

describe('module names', () => {
  it('strips one accepted suffix', () => {
    expect(parseModuleName('chan_sip.so')).toBe('chan_sip');
    expect(parseModuleName('app_dial.js')).toBe('app_dial');
    expect(parseModuleName('x.mjs')).toBe('x');
    expect(parseModuleName('x.cjs')).toBe('x');
  });
  it('refuses anything that could become a path', () => {
    for (const bad of ['../etc/passwd', 'a/b', '..', 'a\0b', 'x'.repeat(65), '', 'a.b', 'chan_sip.so.so']) {
      expect(parseModuleName(bad)).toBeUndefined();
    }
  });
});
