/**
 * Websocket text frames as a server sends them (RFC 6455 section 5.2: FIN set, opcode 1, no
 * mask, no extension bits), built once so the same bytes can go to every subscriber.
 */

/** A message of the event stream: its JSON text, and its frame made once for every sink. */
export class OutgoingMessage {
  private encoded: Buffer | undefined;

  constructor(readonly text: string) {}

  /** The websocket text frame carrying the text, built on first use. */
  get frame(): Buffer {
    return (this.encoded ??= textFrame(Buffer.from(this.text)));
  }
}

/** One complete, unmasked text frame carrying `payload` (UTF-8). */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}
