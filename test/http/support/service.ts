/**
 * A real service over sample dirs, optionally listening on a free loopback port, always
 * closed by the test that made it.
 */
import { createService, type Service, type ServiceOptions } from '../../../src/http/service.js';
import { listen } from '../../../src/http/server.js';
import { sampleDirs, type SampleDirOptions, type SampleDirs } from '../../support/sample-dirs.js';

export interface TestService extends Service {
  dirs: SampleDirs;
  /** `http://127.0.0.1:<port>` when listening. */
  url: string;
  /** The port when listening (0 otherwise). */
  port: number;
  stop(): Promise<void>;
}

export interface TestServiceOptions extends SampleDirOptions, Partial<Omit<ServiceOptions, 'settings'>> {
  listen?: boolean;
  /** The port to listen on (default 0: a free one). */
  port?: number;
  history?: number;
}

export async function startService(options: TestServiceOptions = {}): Promise<TestService> {
  const dirs = await sampleDirs(options);
  const service = await createService({
    heartbeatMs: 0,
    ...options,
    settings: { modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: options.history ?? 10_000, load_timeout_ms: 5_000 },
  });
  const listening = options.listen ? await listen(service, { host: '127.0.0.1', port: options.port ?? 0 }) : { url: '', port: 0 };
  return {
    ...service,
    dirs,
    url: listening.url,
    port: listening.port,
    async stop() {
      await service.close();
      await dirs.remove();
    },
  };
}
