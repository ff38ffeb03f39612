/**
 * Child process: the real management service (`createService`, as `modloader serve` composes
 * it) over a module and a config directory, listening on 127.0.0.1 with a free port.
 * Usage: `node service-child.js <modulesDir> <configDir>`. Commands: `produce {root, cycles}`
 * loads and unloads `root` `cycles` times through the service's loader (the events flow to
 * the websocket subscribers), answering how many events that made.
 */
import { pino } from 'pino';
import { listen } from '../../src/http/server.js';
import { createService } from '../../src/http/service.js';
import { serveRequests } from './ipc.js';

async function main(): Promise<void> {
  const [modules, config] = process.argv.slice(2);
  if (!modules || !config) throw new Error('usage: service-child <modulesDir> <configDir>');
  const service = await createService({
    settings: { modules, config, host: '127.0.0.1', history: 10_000, load_timeout_ms: 10_000 },
    logger: pino({ level: 'silent' }),
    heartbeatMs: 0,
  });
  const { url } = await listen(service, { host: '127.0.0.1', port: 0 });
  serveRequests(
    { url },
    {
      async produce(args) {
        const root = String(args['root']);
        const cycles = Number(args['cycles']);
        const first = service.loader.nextSeq;
        const started = performance.now();
        for (let i = 0; i < cycles; i += 1) {
          await service.loader.load(root, { cause: 'bench' });
          await service.loader.unload(root, { cause: 'bench' });
        }
        return { events: service.loader.nextSeq - first, ms: performance.now() - started };
      },
      async cpu() {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      },
      async subscribers() {
        return service.hub.subscriberCount;
      },
    },
    () => service.close(),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`service-child: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
