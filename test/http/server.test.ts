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

describe('while shutting down', () => {
  /** A module whose unload() waits until the test lets it go, so the shutdown can be watched. */
  const SLOW_UNLOAD = `/*** MODULEINFO
	<support_level>extended</support_level>
	<description>Unloads when the test says so</description>
 ***/
export function load() {}
export function unload() {
  return new Promise((resolve) => {
    globalThis.slowUnloadStarted?.();
    globalThis.releaseSlowUnload = resolve;
  });
}
`;

  it('answers new requests 503 problem+json with Retry-After while the modules unload, then stops', async () => {
    const s = await startService({ listen: true, modules: { 'mod_slow.js': SLOW_UNLOAD } });
    const scope = globalThis as { slowUnloadStarted?: () => void; releaseSlowUnload?: () => void };
    const started = new Promise<void>((resolve) => (scope.slowUnloadStarted = resolve));
    expect((await fetch(`${s.url}/modules/mod_slow/load`, { method: 'POST' })).status).toBe(200);
    const stopping = s.stop();
    await started;
    try {
      for (const [method, path] of [['GET', '/health'], ['GET', '/modules'], ['POST', '/modules/func_cut/load']] as const) {
        const answer = await fetch(`${s.url}${path}`, { method });
        expect(answer.status, `${method} ${path}`).toBe(503);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await answer.json()).toMatchObject({ code: 'shutting_down', status: 503 });
      }
    } finally {
      scope.releaseSlowUnload?.();
      await stopping;
      delete scope.slowUnloadStarted;
      delete scope.releaseSlowUnload;
    }
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
