/**
 * Preload for a `modloader serve` child in tests (NODE_OPTIONS=--import=<this file>, with an
 * IPC channel). It holds the import of fastify until the parent sends `release`, and tells the
 * parent, over IPC:
 * - `{ listening: port }` when a server listens;
 * - `{ request: { method, url, fastify } }` as each request reaches the HTTP server, `fastify`
 *   saying whether fastify is in the CommonJS module cache at that moment.
 * Test code only: the product has no such hook.
 */
import diagnostics from 'node:diagnostics_channel';
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const { port1, port2 } = new MessageChannel();
register(new URL('./hold-fastify-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });

process.on('message', (message) => {
  if (message === 'release') port1.postMessage('release');
});
process.channel?.unref();

const send = (message) => process.send?.(message);
diagnostics.subscribe('tracing:net.server.listen:asyncEnd', ({ server }) => send({ listening: server.address()?.port }));
diagnostics.subscribe('http.server.request.start', ({ request }) => {
  const fastify = Object.keys(require.cache).some((file) => file.includes('/node_modules/fastify/'));
  send({ request: { method: request.method, url: request.url, fastify } });
});
