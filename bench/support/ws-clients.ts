/**
 * Websocket subscribers for the event-stream figures. Each is a plain TCP socket that makes
 * the websocket handshake and then counts the frames it receives (ws-frame-counter.ts)
 * without decoding them: a hundred of them in one process must cost far less than the server
 * feeding them, or the figure would measure the clients. A stalled subscriber makes the same
 * handshake and then stops reading.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FrameCounter } from './ws-frame-counter.js';

interface Client {
  socket: Socket;
  counter: FrameCounter;
}

export class Subscribers {
  private target = Infinity;
  private remaining = 0;
  private done: (() => void) | null = null;
  private failed: ((err: Error) => void) | null = null;
  private base: number[];

  private constructor(private readonly clients: Client[]) {
    this.base = clients.map(() => 0);
    clients.forEach((client, i) => {
      client.socket.on('data', (chunk: Buffer) => {
        const before = client.counter.messages - this.base[i]!;
        client.counter.push(chunk);
        const after = client.counter.messages - this.base[i]!;
        if (before < this.target && after >= this.target && --this.remaining === 0) this.done?.();
        if (client.counter.closed) this.failed?.(new Error('a subscriber was sent a close frame during the run'));
      });
      client.socket.on('close', () => this.failed?.(new Error('a subscriber connection closed during the run')));
    });
  }

  /** Opens `count` subscribers to the websocket at `url` (ws://host:port/path). */
  static async connect(url: string, count: number): Promise<Subscribers> {
    const clients: Client[] = [];
    for (let i = 0; i < count; i += 1) {
      const { socket, rest } = await handshake(url);
      const counter = new FrameCounter();
      counter.push(rest);
      clients.push({ socket, counter });
    }
    return new Subscribers(clients);
  }

  /**
   * Marks where counting starts and returns a function that resolves once every subscriber
   * has received `expected` messages since (rejecting after `timeoutMs`, or when one closes).
   */
  expect(): (expected: number, timeoutMs: number) => Promise<void> {
    this.base = this.clients.map((c) => c.counter.messages);
    this.target = Infinity;
    return (expected, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const least = Math.min(...this.clients.map((c, i) => c.counter.messages - this.base[i]!));
          finish(new Error(`subscribers did not receive ${expected} messages within ${timeoutMs} ms (the slowest got ${least})`));
        }, timeoutMs);
        const finish = (err?: Error): void => {
          clearTimeout(timer);
          this.done = null;
          this.failed = null;
          this.target = Infinity;
          if (err) reject(err);
          else resolve();
        };
        this.done = () => finish();
        this.failed = (err) => finish(err);
        this.target = expected;
        this.remaining = this.clients.filter((c, i) => c.counter.messages - this.base[i]! < expected).length;
        if (this.remaining === 0) finish();
      });
  }

  close(): void {
    for (const client of this.clients) {
      client.socket.removeAllListeners('close');
      client.socket.destroy();
    }
  }
}

/** A subscriber that completes the handshake and then stops reading (its TCP window fills). */
export async function connectStalled(url: string): Promise<{ close(): void }> {
  const { socket } = await handshake(url);
  socket.pause();
  return { close: () => socket.destroy() };
}

/** Opens a TCP connection and makes the websocket handshake; resolves with any bytes after it. */
function handshake(url: string): Promise<{ socket: Socket; rest: Buffer }> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setNoDelay(true);
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const head = received.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(head)) {
        socket.destroy();
        reject(new Error(`websocket handshake with ${url} failed: ${head.split('\r\n')[0]}`));
        return;
      }
      socket.on('error', () => undefined);
      resolve({ socket, rest: received.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}
