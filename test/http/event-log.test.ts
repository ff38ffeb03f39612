/**
 * The loader's events as log lines, from real loads (a Loader over the in-memory host),
 * parsed back from pino's JSON output.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logEvents } from '../../src/http/event-log.js';
import { world } from '../core/support/world.js';

async function logged(level: string): Promise<Array<{ level: number; msg: string }>> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = pino({ level }, sink);
  // Two providers, two users each: many events per load besides the loads themselves.
  const w = world([
    { name: 'res_a', provides: ['service=a'] },
    { name: 'res_b', uses: ['res_a'], provides: ['service=b'] },
    { name: 'app_c', uses: ['res_a', 'res_b'] },
    { name: 'app_bad', behaviour: 'failure' },
  ]);
  w.loader.subscribe(logEvents(logger));
  await w.loader.load('app_c');
  await w.loader.load('app_bad').catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe('logEvents', () => {
  it('writes nothing per module loaded at the default level, and failures at warn', async () => {
    expect((await logged('info')).map((l) => [l.level, l.msg])).toEqual([[40, 'load_failed app_bad']]);
  });

  it('writes one debug line per module loaded', async () => {
    const lines = await logged('debug');
    expect(lines.filter((l) => l.level < 40).map((l) => [l.level, l.msg])).toEqual([
      [20, 'load res_a'],
      [20, 'load res_b'],
      [20, 'load app_c'],
    ]);
  });

  it('writes the steps, users and registrations at trace', async () => {
    const messages = (await logged('trace')).map((l) => l.msg);
    expect(messages).toContain('loading res_a');
    expect(messages).toContain('user_add res_a');
    expect(messages.filter((m) => m.startsWith('load '))).toEqual(['load res_a', 'load res_b', 'load app_c']);
  });
});
