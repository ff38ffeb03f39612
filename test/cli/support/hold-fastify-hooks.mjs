/**
 * Module hooks of hold-fastify.mjs (they run on Node's hooks thread): the resolution of
 * fastify waits for `release` on the port.
 */
let release;
const released = new Promise((resolve) => (release = resolve));

export function initialize({ port }) {
  port.on('message', (message) => message === 'release' && release());
  port.unref();
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (result.url.includes('/node_modules/fastify/fastify.js')) await released;
  return result;
}
