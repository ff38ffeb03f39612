/**
 * AMI's wire format: a message is `Key: Value` lines ended by CRLF (a bare LF is accepted, as
 * Asterisk does), and a blank line ends the message. {@link MessageReader} cuts a byte stream
 * into messages with Asterisk's limits (a line of at most 1024 characters, at most 128 lines a
 * message); {@link formatMessage} writes one, never letting a value break a line.
 */

/** Asterisk's input buffer: longer lines are refused. */
export const MAX_LINE = 1024;
/** Asterisk's header limit per message. */
export const MAX_HEADERS = 128;

export class AmiMessage {
  constructor(readonly lines: readonly string[]) {}

  /**
   * The value of the first header named `name` (case-insensitive, as Asterisk matches them),
   * with the spaces after the colon skipped; undefined when absent.
   */
  get(name: string): string | undefined {
    const prefix = `${name.toLowerCase()}:`;
    for (const line of this.lines) {
      if (line.length >= prefix.length && line.slice(0, prefix.length).toLowerCase() === prefix) return line.slice(prefix.length).trimStart();
    }
    return undefined;
  }

  /** The header's value, or '' when it is absent or empty. */
  text(name: string): string {
    return this.get(name)?.trim() ?? '';
  }
}

/** What the reader made of the input: a message, or one that broke a limit. */
export type ReadResult = { message: AmiMessage; error?: undefined } | { message: AmiMessage; error: string };

export class MessageReader {
  private partial = '';
  private lines: string[] = [];
  private lineTooLong = false;
  private tooMany = false;
  /** The rest of an overlong line is being dropped, up to its newline. */
  private discarding = false;

  constructor(
    private readonly maxLine = MAX_LINE,
    private readonly maxHeaders = MAX_HEADERS,
  ) {}

  /** Feeds decoded text; returns the messages it completed, in order. */
  push(text: string): ReadResult[] {
    const results: ReadResult[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const line = (this.partial + text.slice(start, newline)).replace(/\r$/, '');
      this.partial = '';
      start = newline + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (line.length > this.maxLine) {
        this.lineTooLong = true;
        continue;
      }
      if (line === '') {
        const done = this.end();
        if (done) results.push(done);
      } else if (this.lines.length < this.maxHeaders) {
        this.lines.push(line);
      } else {
        this.tooMany = true;
      }
    }
    if (!this.discarding) this.partial += text.slice(start);
    if (this.partial.length > this.maxLine) {
      // Keep nothing of an endless line: the rest of it up to its newline is dropped too.
      this.lineTooLong = true;
      this.discarding = true;
      this.partial = '';
    }
    return results;
  }

  private end(): ReadResult | undefined {
    const message = new AmiMessage(this.lines);
    const error = this.lineTooLong ? 'a line of the message is too long' : this.tooMany ? 'the message has too many lines' : undefined;
    const empty = this.lines.length === 0 && !error;
    this.lines = [];
    this.lineTooLong = false;
    this.tooMany = false;
    if (empty) return undefined; // stray blank lines are not messages
    return error ? { message, error } : { message };
  }
}

/** One header; CR and LF in the value become spaces so nothing can forge a line. */
export type Field = readonly [string, string | number];

/** A message: its fields as `Key: Value` lines, then the blank line. */
export function formatMessage(fields: readonly Field[]): string {
  return `${fields.map(([key, value]) => `${key}: ${String(value).replace(/[\r\n]+/g, ' ')}\r\n`).join('')}\r\n`;
}
