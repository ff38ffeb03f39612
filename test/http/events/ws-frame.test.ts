import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { textFrame } from '../../../src/http/events/ws-frame.js';

// ws's frame parser (exported at runtime, absent from @types/ws).
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: { isServer: boolean }) => NodeJS.WritableStream & { on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void };
};

/** Decodes server frames with ws's own receiver (the client side of a real connection). */
function decode(bytes: Buffer): string[] {
  const receiver = new Receiver({ isServer: false });
  const messages: string[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString('utf8'));
  });
  receiver.write(bytes);
  return messages;
}

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('frames a %i-byte text as one complete message ws reads back', (length) => {
    const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    const payload = Buffer.from(text);
    expect(payload.length).toBe(length);
    expect(decode(textFrame(payload))).toEqual([text]);
  });

  it('frames back to back decode as the same messages in order', () => {
    const texts = ['{"seq":1}', 'a'.repeat(300), '{"seq":3}'];
    expect(decode(Buffer.concat(texts.map((t) => textFrame(Buffer.from(t)))))).toEqual(texts);
  });
});
