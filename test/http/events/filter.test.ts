import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/http/events/filter.js';

describe('compileFilter', () => {
  it('keeps everything without a filter', () => {
    const keep = compileFilter({});
    expect(keep({ event: 'load', module: 'chan_sip' })).toBe(true);
    expect(keep({ event: 'manifest_add', module: undefined })).toBe(true);
  });

  it('keeps only the listed event names', () => {
    const keep = compileFilter({ events: ['load', 'unload'] });
    expect(keep({ event: 'unload', module: 'x' })).toBe(true);
    expect(keep({ event: 'user_add', module: 'x' })).toBe(false);
  });

  it('matches modules against comma-separated globs', () => {
    const keep = compileFilter({ module: 'chan_*, app_d*' });
    expect(keep({ event: 'load', module: 'chan_sip' })).toBe(true);
    expect(keep({ event: 'load', module: 'app_dial' })).toBe(true);
    expect(keep({ event: 'load', module: 'app_stack' })).toBe(false);
  });

  it('drops events without a module when a module filter is set', () => {
    expect(compileFilter({ module: '*' })({ event: 'dependency_cycle', module: undefined })).toBe(false);
  });

  it('combines both filters', () => {
    const keep = compileFilter({ events: ['load'], module: 'chan_*' });
    expect(keep({ event: 'load', module: 'chan_sip' })).toBe(true);
    expect(keep({ event: 'unload', module: 'chan_sip' })).toBe(false);
    expect(keep({ event: 'load', module: 'app_dial' })).toBe(false);
  });
});
