/**
 * Child process: the baselines of the HTTP and event-stream figures, each the fastest bare
 * way to do the same work. A bare fastify app (no logger) whose `GET /modules/:name` and
 * `GET /modules` send the same JSON texts as the service, prebuilt as bytes (a `Buffer`, so
 * neither serialization nor encoding is repeated per request); and a raw `ws` server whose
 * `broadcast {file}` command sends every message of a JSON array of strings to every
 * connected client, 64 messages per event-loop turn, each message framed once and each
 * turn's frames written to each client's socket in one write.
 * Usage: `node bare-child.js <fixtures.json>` with `{detail, list}` (two JSON texts).
 */
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import { WebSocketServer } from 'ws';
import { textFrame } from '../../src/http/events/ws-frame.js';
import { serveRequests } from './ipc.js';

const CHUNK = 64;

async function main(): Promise<void> {
  const [fixturesFile] = process.argv.slice(2);
  if (!fixturesFile) throw new Error('usage: bare-child <fixtures.json>');
  const fixtures = JSON.parse(await readFile(fixturesFile, 'utf8')) as { detail: string; list: string };
  const detailBytes = Buffer.from(fixtures.detail);
  const listBytes = Buffer.from(fixtures.list);

  const app = Fastify({ logger: false });
  app.get('/modules/:name', async (_request, reply) => reply.type('application/json; charset=utf-8').send(detailBytes));
  app.get('/modules', async (_request, reply) => reply.type('application/json; charset=utf-8').send(listBytes));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  // The TCP socket under each websocket (the upgrade request's), written to directly.
  const clients = new Set<Socket>();
  wss.on('connection', (socket, request) => {
    const raw = request.socket;
    clients.add(raw);
    socket.on('close', () => clients.delete(raw));
    socket.on('error', () => clients.delete(raw));
  });
  const address = wss.address();
  const wsUrl = `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;

  serveRequests(
    { url, wsUrl },
    {
      async broadcast(args) {
        const messages = JSON.parse(await readFile(String(args['file']), 'utf8')) as string[];
        const started = performance.now();
        for (let i = 0; i < messages.length; i += CHUNK) {
          const turn = Buffer.concat(messages.slice(i, i + CHUNK).map((text) => textFrame(Buffer.from(text))));
          for (const client of clients) if (client.writable) client.write(turn);
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { events: messages.length, ms: performance.now() - started };
      },
      async cpu() {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      },
      async subscribers() {
        return clients.size;
      },
    },
    async () => {
      for (const client of clients) client.destroy();
      wss.close();
      await app.close();
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-child: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
