/**
 * Counts the messages in a server-to-client websocket byte stream (RFC 6455 section 5.2:
 * unmasked frames, no extensions negotiated) without copying or decoding them, so a hundred
 * subscribers in one process cost little next to the server that feeds them. Frames may be
 * split anywhere across chunks.
 */
export class FrameCounter {
  /** Complete data messages seen (text or binary frames with FIN set, and their continuations' ends). */
  messages = 0;
  /** A close frame was seen. */
  closed = false;
  private skip = 0;
  private header: number[] = [];

  /** Feeds the next chunk of the stream. O(frames in the chunk). */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, chunk.length - at);
        this.skip -= take;
        at += take;
        continue;
      }
      this.header.push(chunk[at]!);
      at += 1;
      const length = headerLength(this.header);
      if (length === null || this.header.length < length) continue;
      this.frame(this.header);
      this.header = [];
    }
  }

  private frame(header: number[]): void {
    const fin = (header[0]! & 0x80) !== 0;
    const opcode = header[0]! & 0x0f;
    const len7 = header[1]! & 0x7f;
    let payload = len7;
    if (len7 === 126) payload = (header[2]! << 8) | header[3]!;
    else if (len7 === 127) {
      payload = 0;
      for (let i = 2; i < 10; i += 1) payload = payload * 256 + header[i]!;
    }
    if (opcode === 0x8) this.closed = true;
    else if (fin && opcode !== 0x9 && opcode !== 0xa) this.messages += 1;
    this.skip = payload;
  }
}

/** The header's full length once its first two bytes are known (server frames carry no mask). */
function headerLength(header: number[]): number | null {
  if (header.length < 2) return null;
  const len7 = header[1]! & 0x7f;
  return len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
}
