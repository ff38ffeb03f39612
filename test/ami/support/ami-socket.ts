/**
 * A raw AMI connection for tests: send text, await the next message as a header map. Connecting
 * rejects when the server closes before its banner.
 */
import { connect, type Socket } from 'node:net';

export interface AmiSocket {
  socket: Socket;
  banner: string;
  send(text: string): void;
  /** Sends an action from its headers (CRLF lines, blank line). */
  action(headers: Record<string, string>): void;
  /** The next message, keys as sent; rejects when the connection closes first. */
  next(): Promise<Record<string, string>>;
  /** Messages until one matches. */
  until(match: (m: Record<string, string>) => boolean): Promise<Record<string, string>>;
  closed: Promise<void>;
  close(): void;
}

export async function amiConnect(port: number): Promise<AmiSocket> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const messages: Array<Record<string, string>> = [];
  let waiting: { resolve: (m: Record<string, string>) => void; reject: (e: Error) => void } | undefined;
  let ended = false;
  let resolveBanner!: (b: string) => void;
  let rejectBanner!: (e: Error) => void;
  const bannerPromise = new Promise<string>((resolve, reject) => {
    resolveBanner = resolve;
    rejectBanner = reject;
  });
  let gotBanner = false;

  const deliver = (): void => {
    if (waiting && messages.length > 0) {
      const w = waiting;
      waiting = undefined;
      w.resolve(messages.shift()!);
    } else if (waiting && ended) {
      const w = waiting;
      waiting = undefined;
      w.reject(new Error('connection closed'));
    }
  };
  socket.on('data', (text: string) => {
    buffer += text;
    if (!gotBanner) {
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      gotBanner = true;
      resolveBanner(buffer.slice(0, eol));
      buffer = buffer.slice(eol + 2);
    }
    let end;
    while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const message: Record<string, string> = {};
      for (const line of block.split('\r\n')) {
        const colon = line.indexOf(': ');
        const key = colon < 0 ? line.replace(/:$/, '') : line.slice(0, colon);
        message[key] = colon < 0 ? '' : line.slice(colon + 2);
      }
      messages.push(message);
    }
    deliver();
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true;
      if (!gotBanner) rejectBanner(new Error('closed before the banner'));
      deliver();
      resolve();
    });
  });
  socket.on('error', () => undefined);
  const banner = await bannerPromise;
  const next = (): Promise<Record<string, string>> =>
    new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      deliver();
    });
  return {
    socket,
    banner,
    send: (text) => void socket.write(text),
    action: (headers) => void socket.write(`${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`),
    next,
    async until(match) {
      for (;;) {
        const m = await next();
        if (match(m)) return m;
      }
    },
    closed,
    close: () => void socket.destroy(),
  };
}
