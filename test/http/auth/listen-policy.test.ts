import { describe, expect, it } from 'vitest';
import { assertListenAllowed, isLoopback } from '../../../src/http/auth/listen-policy.js';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});

describe('assertListenAllowed', () => {
  it('refuses any other address without tokens', () => {
    expect(() => assertListenAllowed('0.0.0.0', false)).toThrow(/tokens\.conf/);
  });
  it('allows loopback without tokens, and anything with them', () => {
    expect(() => assertListenAllowed('127.0.0.1', false)).not.toThrow();
    expect(() => assertListenAllowed('0.0.0.0', true)).not.toThrow();
  });
});
