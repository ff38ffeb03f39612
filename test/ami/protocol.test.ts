import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmiMessage, formatMessage, MAX_LINE, MessageReader } from '../../src/ami/protocol.js';

const read = (...chunks: string[]) => {
  const reader = new MessageReader();
  return chunks.flatMap((chunk) => reader.push(chunk)).map((r) => ({ lines: r.message.lines, error: r.error }));
};

describe('MessageReader', () => {
  it('cuts CRLF and bare LF input into messages at blank lines, skipping stray blank lines', () => {
    expect(read('Action: Ping\r\nActionID: 1\r\n\r\n\r\nAction: Logoff\n\n')).toEqual([
      { lines: ['Action: Ping', 'ActionID: 1'], error: undefined },
      { lines: ['Action: Logoff'], error: undefined },
    ]);
  });

  it('gives the same messages however the input is split into chunks', () => {
    const stream = 'Action: Login\r\nUsername: ops\r\nSecret: s\r\n\r\nAction: Ping\r\n\r\nAction: ModuleCheck\nModule: chan_sip\n\n';
    const whole = read(stream);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => stream.slice(start, points[i] ?? stream.length));
        expect(read(...chunks)).toEqual(whole);
      }),
    );
  });

  it('refuses a message with an overlong line, even one arriving in pieces, and reads the next', () => {
    const long = 'x'.repeat(MAX_LINE + 1);
    const results = read('Action: Ping\r\nJunk: ', long.slice(0, 600), long.slice(600), '\r\n\r\nAction: Ping\r\n\r\n');
    expect(results.map((r) => r.error)).toEqual(['a line of the message is too long', undefined]);
    expect(results[1]!.lines).toEqual(['Action: Ping']);
  });

  it('refuses a message of more than 128 lines', () => {
    expect(read(`Action: Ping\r\n${'A: b\r\n'.repeat(128)}\r\n`)[0]!.error).toBe('the message has too many lines');
  });
});

describe('AmiMessage', () => {
  it('finds headers case-insensitively and skips the spaces after the colon', () => {
    const m = new AmiMessage(['action:Ping', 'ACTIONID:   7', 'no colon', 'Empty:']);
    expect([m.get('Action'), m.get('ActionID'), m.text('Empty'), m.get('Missing')]).toEqual(['Ping', '7', '', undefined]);
  });
});

describe('formatMessage', () => {
  it('writes Key: Value lines and a blank line, never letting a value break a line', () => {
    expect(formatMessage([['Response', 'Error'], ['Message', 'a\r\nEvent: Forged\nb']])).toBe('Response: Error\r\nMessage: a Event: Forged b\r\n\r\n');
  });
});
