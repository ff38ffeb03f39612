/**
 * `import()` of an ES module with the bytes the host verified: a `module.register` load hook
 * answers Node's loader with those bytes for the module's URL, so the file is not read again.
 * The fallback of evaluate-binary.ts (top-level await; Node.js before 20.19): in Node.js 20
 * the hooks run on a thread of their own, and every import of the process then passes through
 * them, so they are registered only when first needed.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/** The query key of the URLs the hook serves; no other import carries it. */
const VERIFIED_QUERY = 'modloader_verified';

/**
 * The hooks, as a module of their own (a data: URL, so nothing has to be found on disk). The
 * bytes of each URL arrive over a message port, ahead of the import that loads them.
 */
const HOOKS = `
const waiting = new Map();
const sources = new Map();
export function initialize({ port }) {
  port.on('message', ({ url, source }) => {
    const wake = waiting.get(url);
    if (wake) {
      waiting.delete(url);
      wake(source);
    } else sources.set(url, source);
  });
  port.unref();
}
export async function load(url, context, nextLoad) {
  if (!url.includes('?${VERIFIED_QUERY}=')) return nextLoad(url, context);
  let source = sources.get(url);
  if (source !== undefined) sources.delete(url);
  else source = await new Promise((resolve) => waiting.set(url, resolve));
  return { format: 'module', source, shortCircuit: true };
}
`;

let port: MessagePort | undefined;

function hooks(): MessagePort {
  if (!port) {
    const channel = new MessageChannel();
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { port: channel.port2 }, transferList: [channel.port2] });
    channel.port1.unref();
    port = channel.port1;
  }
  return port;
}

/** Imports `source` as the ES module at `path`, under a URL of its own (`?<fresh>` added). */
export async function importVerified(path: string, fresh: string, source: Buffer): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(path).href}?${VERIFIED_QUERY}=1&${fresh}`;
  hooks().postMessage({ url, source: new Uint8Array(source) });
  return (await import(url)) as Record<string, unknown>;
}
