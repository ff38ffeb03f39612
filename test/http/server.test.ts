import { describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY } from '../../src/http/events/hub.js';
import { listen } from '../../src/http/server.js';
import { startService } from './support/service.js';
import { eventsOf, openStream } from './support/ws-client.js';

describe('closing the service', () => {
  it('unloads every module in reverse load order while the streams watch, then ends them', async () => {
    const s = await startService({ listen: true });
    const stream = await openStream(s.url);
    const running = s.loader.list({ state: 'running' }).map((m) => m.name);
    expect(running.length).toBeGreaterThan(10);

    await s.stop();

    const final = await stream.waitFor((m) => m.event === 'cut_off');
    expect(final).toMatchObject({ reason: 'shutdown' });
    expect((await stream.closed).code).toBe(CLOSE_GOING_AWAY);
    const unloaded = eventsOf(stream.messages).filter((m) => m.event === 'unload').map((m) => m.module);
    expect(new Set(unloaded)).toEqual(new Set(running));
    expect(unloaded.indexOf('chan_sip')).toBeLessThan(unloaded.indexOf('res_rtp_asterisk'));
    expect(unloaded.indexOf('pbx_config')).toBeLessThan(unloaded.indexOf('app_dial'));
    expect(s.loader.list({ state: 'running' })).toEqual([]);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });
});

describe('listening', () => {
  it('refuses an address other than loopback when no tokens are configured', async () => {
    const s = await startService();
    await expect(listen(s, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/tokens\.conf/);
    await s.stop();
  });
});
