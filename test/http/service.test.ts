import { describe, expect, it } from 'vitest';
import { createService, ServiceStartError } from '../../src/http/service.js';
import { sampleDirs } from '../support/sample-dirs.js';

const BROKEN = `/*** MODULEINFO
\t<support_level>extended</support_level>
\t<description>A driver whose hardware is missing</description>
 ***/
export function load() {
  throw new Error('no DAHDI hardware found');
}
`;

function settings(dirs: { modules: string; config: string }, host = '127.0.0.1') {
  return { modules: dirs.modules, config: dirs.config, host, history: 10, load_timeout_ms: 5_000 };
}

describe('createService', () => {
  it('fails startup naming the required module and its reason', async () => {
    const dirs = await sampleDirs({
      modules: { 'chan_dahdi.js': BROKEN },
      config: { 'modules.conf': '[modules]\nrequire=func_cut\nrequire=chan_dahdi\n' },
    });
    const failure = await createService({ settings: settings(dirs), heartbeatMs: 0 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect(failure).toMatchObject({ code: 'require_failed', details: { module: 'chan_dahdi', reason: 'load_failed' } });
    expect((failure as Error).message).toMatch(/^startup failed: require=chan_dahdi \(modules\.conf:3\): chan_dahdi: .*no DAHDI hardware found.* \[load_failed\]$/);
    await dirs.remove();
  });

  it('fails startup on a config file with errors, naming file and line', async () => {
    const dirs = await sampleDirs({ config: { 'modules.conf': '[modules]\nautoload=maybe\n' } });
    const failure = await createService({ settings: settings(dirs), heartbeatMs: 0 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect(failure).toMatchObject({ code: 'config_invalid' });
    expect((failure as Error).message).toMatch(/modules\.conf:2/);
    await dirs.remove();
  });

  it('refuses to serve anything but loopback without tokens, before loading a module', async () => {
    const dirs = await sampleDirs();
    const refused = createService({ settings: settings(dirs, '0.0.0.0'), heartbeatMs: 0 });
    await expect(refused).rejects.toThrow(/refusing to listen on 0\.0\.0\.0/);
    await expect(refused).rejects.toMatchObject({ code: 'listen_refused' });
    await dirs.remove();
  });
});
