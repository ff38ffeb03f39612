/**
 * Repeated 401s from one address are slowed (SPEC 11): after a few failures the address must
 * wait, longer after each further failure, before any token of it is looked at again; other
 * addresses are not affected, and the memory it takes is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureThrottle } from '../../../src/http/auth/failure-throttle.js';
import { startService, type TestService } from '../support/service.js';
import { SECRETS, TOKENS_CONF } from '../support/tokens.js';

describe('FailureThrottle', () => {
  function clock() {
    let now = 0;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }

  it('lets the first failures through, then makes the address wait longer after each', () => {
    const time = clock();
    const throttle = new FailureThrottle({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 600_000, maxAddresses: 100, now: time.now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.waitMs('a')).toBe(0);
      throttle.failed('a');
    }
    expect(throttle.waitMs('a')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      throttle.failed('a');
      waits.push(throttle.waitMs('a'));
      time.advance(throttle.waitMs('a'));
      expect(throttle.waitMs('a')).toBe(0);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(throttle.waitMs('b')).toBe(0);
  });

  it('forgets an address some time after its last failure', () => {
    const time = clock();
    const throttle = new FailureThrottle({ freeFailures: 1, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000, maxAddresses: 100, now: time.now });
    throttle.failed('a');
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(1000);
    time.advance(60_001);
    expect(throttle.waitMs('a')).toBe(0);
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(0);
  });

  it('keeps at most maxAddresses, dropping the one that failed longest ago', () => {
    const throttle = new FailureThrottle({ freeFailures: 0, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 600_000, maxAddresses: 1000, now: () => 0 });
    for (let i = 0; i < 20_000; i++) throttle.failed(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBe(1000);
    expect(throttle.waitMs('10.0.0.0')).toBe(0);
    expect(throttle.waitMs(`10.0.${19_999 >> 8}.${19_999 & 255}`)).toBe(1000);
  });
});

describe('the service', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startService({ config: { 'tokens.conf': TOKENS_CONF } });
  });
  afterAll(async () => s?.stop());

  const get = (remoteAddress: string, token: string) =>
    s.app.inject({ method: 'GET', url: '/modules', remoteAddress, headers: { authorization: `Bearer ${token}` } });

  it('answers 429 with Retry-After once an address has failed repeatedly, even to a good token, and not other addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await get('192.0.2.7', `guess-${i}-0123456789abcdef`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const blocked = await get('192.0.2.7', SECRETS.read);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.json()).toMatchObject({ code: 'too_many_failures', status: 429 });
    expect((await get('192.0.2.8', 'another-guess-0123456789')).statusCode).toBe(401);
    expect((await get('192.0.2.8', SECRETS.read)).statusCode).toBe(200);
  });
});
