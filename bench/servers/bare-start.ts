/**
 * The baselines of the startup figures (10, 11), run as processes of their own and timed from
 * spawn until `/health` answers: import the module files in the order given (one name a
 * line), call each one's `load()`, then answer `GET /health` from a bare `node:http` server.
 * `bare` imports and loads one module after the other; `avvio` registers each module as an
 * avvio plugin (fastify's plugin loader) that imports and loads it, in the same order, and
 * answers once `ready()`. Prints `listening on <url>` on stdout; exits on SIGTERM after
 * calling each `unload()` in reverse order.
 * Usage: `node bare-start.js bare|avvio <modulesDir> <orderFile>`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Lib {
  load(ctx: unknown): unknown;
  unload?(ctx: unknown): unknown;
}

async function main(): Promise<void> {
  const [mode, dir, orderFile] = process.argv.slice(2);
  if ((mode !== 'bare' && mode !== 'avvio') || !dir || !orderFile) throw new Error('usage: bare-start bare|avvio <modulesDir> <orderFile>');
  const order = readFileSync(orderFile, 'utf8').split('\n').filter((line) => line !== '');
  const libs: Lib[] = [];
  const start = async (name: string): Promise<void> => {
    const lib = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as Lib;
    const outcome = await lib.load({});
    if (outcome !== undefined && outcome !== 'success') throw new Error(`${name}: load() answered ${String(outcome)}`);
    libs.push(lib);
  };
  if (mode === 'bare') {
    for (const name of order) await start(name);
  } else {
    const { default: avvio } = await import('avvio');
    const app = avvio();
    for (const name of order) app.use(async () => start(name));
    await app.ready();
  }
  const body = JSON.stringify({ status: 'ok', modules_running: libs.length });
  const server = createServer((request, response) => {
    if (request.url !== '/health') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void (async () => {
      for (let i = libs.length - 1; i >= 0; i -= 1) await libs[i]!.unload?.({});
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
