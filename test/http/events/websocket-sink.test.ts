/**
 * The websocket sink over a real connection (a `ws` server and client on loopback): what a
 * turn hands it reaches the peer complete, in order, in one write to the TCP socket; closing
 * sends what it holds before the close frame.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { EventSink } from '../../../src/http/events/hub.js';
import { websocketSink } from '../../../src/http/events/websocket-sink.js';
import { OutgoingMessage } from '../../../src/http/events/ws-frame.js';

interface Pair {
  sink: EventSink;
  /** Writes made to the server side's TCP socket since the connection opened. */
  writes: () => number;
  /** What those writes were given. */
  written: unknown[];
  received: string[];
  waitFor(count: number): Promise<void>;
  closed: Promise<number>;
}

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function connect(): Promise<Pair> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const accepted = new Promise<{ socket: WebSocket; request: IncomingMessage }>((resolve) =>
    server.once('connection', (socket, request) => resolve({ socket, request })),
  );
  const { port } = server.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  clients.push(client);
  const received: string[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  client.on('message', (data) => {
    received.push(String(data));
    if (waiting && received.length >= waiting.count) waiting.resolve();
  });
  const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const { socket, request } = await accepted;
  const raw = request.socket as Socket;
  let writes = 0;
  const written: unknown[] = [];
  const write = raw.write.bind(raw) as (...args: unknown[]) => boolean;
  raw.write = ((...args: unknown[]) => {
    writes += 1;
    written.push(args[0]);
    return write(...args);
  }) as typeof raw.write;
  return {
    sink: websocketSink(socket, 60_000, raw),
    writes: () => writes,
    written,
    received,
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiting = { count, resolve };
      }),
    closed,
  };
}

const message = (seq: number, pad = 0): OutgoingMessage => new OutgoingMessage(JSON.stringify({ seq, pad: 'x'.repeat(pad) }));

describe('websocketSink', () => {
  it('writes the messages of one event-loop turn in one write, and they arrive complete and in order', async () => {
    const pair = await connect();
    const sizes = Array.from({ length: 300 }, (_, i) => (i * 97) % 70_000);
    for (let i = 0; i < 300; i += 1) pair.sink.send(message(i, sizes[i]));
    expect(pair.sink.bufferedBytes()).toBeGreaterThan(sizes.reduce((a, b) => a + b, 0));
    await pair.waitFor(300);
    expect(pair.writes()).toBe(1);
    expect(pair.received.map((text) => JSON.parse(text) as { seq: number; pad: string })).toEqual(
      sizes.map((pad, seq) => ({ seq, pad: 'x'.repeat(pad) })),
    );

    for (let i = 300; i < 305; i += 1) pair.sink.send(message(i));
    await pair.waitFor(305);
    expect(pair.writes()).toBe(2);
    expect(pair.received.slice(300).map((text) => (JSON.parse(text) as { seq: number }).seq)).toEqual([300, 301, 302, 303, 304]);
  });

  it('shares the joined frames among subscribers that hold the same messages in a turn', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    const messages = Array.from({ length: 50 }, (_, i) => message(i, 100));
    for (const m of messages) {
      a.sink.send(m);
      b.sink.send(m);
      if (m.text.includes('"seq":7,') || m.text.includes('"seq":9,')) c.sink.send(m);
    }
    await Promise.all([a.waitFor(50), b.waitFor(50), c.waitFor(2)]);
    expect(a.written).toHaveLength(1);
    expect(a.written[0]).toBe(b.written[0]);
    expect(c.written[0]).not.toBe(a.written[0]);
    expect(b.received).toEqual(messages.map((m) => m.text));
    expect(c.received).toEqual([messages[7]!.text, messages[9]!.text]);
  });

  it('sends what it holds before the close frame', async () => {
    const pair = await connect();
    pair.sink.send(message(1));
    pair.sink.send(new OutgoingMessage('{"event":"cut_off"}'));
    pair.sink.close(4001, 'slow subscriber');
    expect(await pair.closed).toBe(4001);
    expect(pair.received).toEqual([message(1).text, '{"event":"cut_off"}']);
  });

  it('shares one frame per message among all the sinks it is sent to', () => {
    const shared = message(7, 10);
    expect(shared.frame).toBe(shared.frame);
    expect(shared.frame.subarray(2).toString()).toBe(shared.text);
  });
});
