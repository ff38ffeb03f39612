/**
 * Child process: the real management service as `modloader serve` runs it (serve-command.ts):
 * the settings read by `readServeSettings` from the same arguments, the logger of
 * `createLogger` at the default level (info: two lines per request, the loader's lifecycle
 * events) writing JSON lines to stdout, which the bench points at /dev/null as a supervisor
 * would take them, process metrics on, the default heartbeat. Listens on 127.0.0.1 with a
 * free port. Usage: `node service-child.js <modulesDir> <configDir>`. Commands: `produce
 * {root, cycles}` loads and unloads `root` `cycles` times through the service's loader (the
 * events flow to the websocket subscribers), answering how many events that made.
 */
import { createLogger } from '../../src/http/logger.js';
import { listen } from '../../src/http/server.js';
import { createService } from '../../src/http/service.js';
import { readServeSettings } from '../../src/http/settings.js';
import { serveRequests } from './ipc.js';

async function main(): Promise<void> {
  const [modules, config] = process.argv.slice(2);
  if (!modules || !config) throw new Error('usage: service-child <modulesDir> <configDir>');
  const settings = readServeSettings(['--modules', modules, '--config', config, '--host', '127.0.0.1', '--port', '0'], {});
  const logger = createLogger({ level: settings.log_level, pretty: false });
  const service = await createService({ settings, logger, processMetrics: true });
  const { url } = await listen(service, settings);
  logger.info({ url }, `listening on ${url}`);
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
