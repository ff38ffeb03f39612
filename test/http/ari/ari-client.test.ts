/**
 * ARI as its own npm client (`ari-client`) uses it, against a real listening service with
 * tokens.conf clients: connect (which reads the api-docs), list, get, load, unload, reload,
 * and the refusals an ARI user sees.
 */
import ari from 'ari-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/service.js';
import { SECRETS, TOKENS_CONF } from '../support/tokens.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true, config: { 'tokens.conf': TOKENS_CONF } });
});
afterAll(async () => s?.stop());

/** The message of an ARI error as ari-client rejects with it: the body's text. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: Error) => e,
  );
  return (JSON.parse(err.message) as { message: string }).message;
}

describe('ari-client against /ari', () => {
  it('connects with a tokens.conf client and lists, gets, loads, unloads and reloads modules', async () => {
    const client = await ari.connect(s.url, 'deploy-bot', SECRETS.operate);

    const modules = await client.asterisk.listModules();
    expect(modules.map((m) => m.name)).toEqual(s.loader.list().map((m) => m.name));
    expect(modules.find((m) => m.name === 'chan_sip')).toEqual({
      name: 'chan_sip',
      description: 'Session Initiation Protocol (SIP) channel driver',
      use_count: s.loader.get('chan_sip').use_count,
      status: 'Running',
      support_level: 'extended',
    });

    expect(await client.asterisk.getModule({ moduleName: 'func_uri.so' })).toMatchObject({ name: 'func_uri', status: 'Not Running' });

    await client.asterisk.loadModule({ moduleName: 'func_uri.so' });
    expect(s.loader.get('func_uri').state).toBe('running');
    expect(await refusal(client.asterisk.loadModule({ moduleName: 'func_uri' }))).toMatch(/already loaded/);

    await client.asterisk.reloadModule({ moduleName: 'func_uri' });
    expect(s.loader.opLog().at(-1)).toMatchObject({ kind: 'reload', target: 'func_uri', ok: true });

    await client.asterisk.unloadModule({ moduleName: 'func_uri' });
    expect(s.loader.get('func_uri').state).toBe('available');
    expect(await refusal(client.asterisk.unloadModule({ moduleName: 'func_uri' }))).toMatch(/not running/);
    expect(await refusal(client.asterisk.getModule({ moduleName: 'chan_nope' }))).toMatch(/no module named chan_nope/);
    expect(await refusal(client.asterisk.loadModule({ moduleName: 'app_system' }))).toMatch(/neverload/);
  });

  it('lets a read client look but not load', async () => {
    const client = await ari.connect(s.url, 'viewer', SECRETS.read);
    expect((await client.asterisk.getModule({ moduleName: 'chan_sip' })).status).toBe('Running');
    expect(await refusal(client.asterisk.loadModule({ moduleName: 'func_uri' }))).toMatch(/operate role/);
    expect(s.loader.get('func_uri').state).toBe('available');
  });
});
