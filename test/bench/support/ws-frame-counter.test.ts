import { describe, expect, it } from 'vitest';
import { FrameCounter } from '../../../bench/support/ws-frame-counter.js';

/** A server-to-client text frame (unmasked) with `length` bytes of payload. */
function frame(length: number, opcode = 0x1): Buffer {
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), Buffer.from([0, 0, 0, 0, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff])]);
  return Buffer.concat([header, Buffer.alloc(length, 0x61)]);
}

describe('the websocket frame counter of the stream subscribers', () => {
  const stream = Buffer.concat([frame(5), frame(200), frame(70_000), frame(0), frame(3, 0x9), frame(125)]);

  it('counts data frames and skips pings', () => {
    const counter = new FrameCounter();
    counter.push(stream);
    expect(counter.messages).toBe(5);
  });

  it('counts the same however the stream is split into chunks', () => {
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const counter = new FrameCounter();
      for (let at = 0; at < stream.length; at += size) counter.push(stream.subarray(at, at + size));
      expect(counter.messages).toBe(5);
    }
  });

  it('notices a close frame', () => {
    const counter = new FrameCounter();
    counter.push(Buffer.concat([frame(4), frame(2, 0x8)]));
    expect(counter.messages).toBe(1);
    expect(counter.closed).toBe(true);
  });
});
