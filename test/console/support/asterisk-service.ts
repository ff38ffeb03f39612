/** A real service, listening, on the real Asterisk module set (stub modules, bench/graph/asterisk-set.ts). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asteriskDataPath, writeAsteriskDirs } from '../../../bench/graph/asterisk-set.js';
import { createService, type Service } from '../../../src/http/service.js';
import { listen } from '../../../src/http/server.js';

export interface AsteriskService extends Service {
  url: string;
  stop(): Promise<void>;
}

export async function startAsteriskService(): Promise<AsteriskService> {
  const file = asteriskDataPath();
  if (!file) throw new Error('shared/data/asterisk-modules.json was not found above the checkout: set MODLOADER_ASTERISK_MODULES to it');
  const root = await mkdtemp(join(tmpdir(), 'modloader-asterisk-'));
  const { modules, config } = await writeAsteriskDirs(root, file);
  const service = await createService({
    heartbeatMs: 0,
    settings: { modules, config, host: '127.0.0.1', history: 10_000, load_timeout_ms: 5_000 },
  });
  const { url } = await listen(service, { host: '127.0.0.1', port: 0 });
  return {
    ...service,
    url,
    async stop() {
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
