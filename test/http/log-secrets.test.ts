/**
 * SPEC 11: secrets never reach the log. The service's own logger (as `modloader serve` makes
 * it) writes to a buffer; a token sent in the query in any spelling that authenticates, or in
 * the Authorization header, must appear in no line.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/http/logger.js';
import { httpCall } from './support/http-request.js';
import { startService, type TestService } from './support/service.js';
import { SECRETS, TOKENS_CONF } from './support/tokens.js';
import { openStream, refusedUpgrade } from './support/ws-client.js';

let s: TestService;
const lines: string[] = [];
const secret = SECRETS.read;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = createLogger({ level: 'trace', pretty: false, destination });
  s = await startService({ config: { 'tokens.conf': TOKENS_CONF }, listen: true, logger });
});
afterAll(async () => s?.stop());

/** Spellings of `token=<secret>` that the query parser reads as the token parameter. */
const SPELLINGS = [
  `token=${secret}`,
  `%74oken=${secret}`,
  `to%6Ben=${secret}`,
  `%74%6F%6B%65%6E=${secret}`,
  `since=0&%74oken=${secret}`,
  `%74oken=${encodeURIComponent(secret).replace(/-/g, '%2D')}`,
];

describe('a token in the query of the event stream', () => {
  for (const query of SPELLINGS) {
    it(`authenticates and is not logged: ?${query.replace(secret, '<secret>')}`, async () => {
      const from = lines.length;
      const stream = await openStream(s.url, `?${query}`);
      await stream.waitFor((m) => m.event === 'hello');
      await stream.close();
      const logged = lines.slice(from);
      expect(logged.some((l) => l.includes('/events'))).toBe(true);
      for (const line of logged) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(secret.replace(/-/g, '%2D'));
      }
    });
  }

  it('is not logged when it is wrong either, nor when given on a route that ignores it', async () => {
    const from = lines.length;
    expect(await refusedUpgrade(s.url, `?%74oken=${secret}x`)).toBe(401);
    await httpCall(s.url, 'GET', `/modules?%74oken=${secret}`);
    await httpCall(s.url, 'GET', `/nowhere?%74oken=${secret}`);
    expect(lines.length).toBeGreaterThan(from);
    for (const line of lines.slice(from)) expect(line).not.toContain(secret);
  });
});

describe('a token in the Authorization header', () => {
  it('is not logged', async () => {
    const from = lines.length;
    await httpCall(s.url, 'GET', '/modules', { headers: { authorization: `Bearer ${SECRETS.admin}` } });
    expect(lines.length).toBeGreaterThan(from);
    for (const line of lines.slice(from)) expect(line).not.toContain(SECRETS.admin);
  });
});
