/**
 * Child process: the baselines of the HTTP and event-stream figures. A bare fastify app with
 * `GET /modules/:name` answering a fixed object (serialized per request, as a route returning
 * an object is) and `GET /modules` answering the JSON text prebuilt as bytes (a `Buffer`, so
 * not even its encoding is repeated per request); and a raw `ws` server
 * whose `broadcast {file}` command sends every message of a JSON array of strings to every
 * connected client, 64 messages per event-loop turn so the sockets can drain between.
 * Usage: `node bare-child.js <fixtures.json>` with `{detail, list}` (an object and a string).
 */
import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRequests } from './ipc.js';

const CHUNK = 64;

async function main(): Promise<void> {
  const [fixturesFile] = process.argv.slice(2);
  if (!fixturesFile) throw new Error('usage: bare-child <fixtures.json>');
  const fixtures = JSON.parse(await readFile(fixturesFile, 'utf8')) as { detail: object; list: string };
  const listBytes = Buffer.from(fixtures.list);

  const app = Fastify({ logger: false });
  app.get('/modules/:name', async () => fixtures.detail);
  app.get('/modules', async (_request, reply) => reply.type('application/json; charset=utf-8').send(listBytes));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const clients = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => clients.delete(socket));
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
          for (const text of messages.slice(i, i + CHUNK)) {
            for (const client of clients) if (client.readyState === client.OPEN) client.send(text);
          }
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
      for (const client of clients) client.terminate();
      wss.close();
      await app.close();
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-child: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
