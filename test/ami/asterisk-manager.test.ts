/**
 * AMI as the `asterisk-manager` npm client uses it, against a real service whose manager.conf
 * enables the listener: login, ModuleCheck, ModuleLoad and the Load/Unload/Reload events, and
 * a wrong secret refused.
 */
import Manager from 'asterisk-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../http/support/service.js';
import { AMI_SECRET, MANAGER_CONF } from './support/manager-conf.js';

let s: TestService;
let port: number;
beforeAll(async () => {
  s = await startService({ listen: true, config: { 'manager.conf': MANAGER_CONF } });
  port = s.manager!.port!;
});
afterAll(async () => s?.stop());

type Message = Record<string, string>;

/** Connects and logs in; resolves with the client, or rejects with the login's error answer. */
function login(username: string, secret: string): Promise<ReturnType<typeof Manager>> {
  const ami = Manager(0, '127.0.0.1', username, secret, true);
  return new Promise((resolve, reject) => {
    ami.connect(port, '127.0.0.1', (err) => {
      if (err) reject(err);
      else ami.login((failure) => (failure ? reject(failure) : resolve(ami)));
    });
  });
}

function action(ami: ReturnType<typeof Manager>, fields: Record<string, string>): Promise<Message> {
  return new Promise((resolve) => ami.action(fields, (err, res) => resolve(err ?? res)));
}

function nextEvent(ami: ReturnType<typeof Manager>, name: string, module: string): Promise<Message> {
  return new Promise((resolve) => {
    const listener = (event: Message): void => {
      if (event.module !== module) return;
      ami.removeListener(name.toLowerCase(), listener);
      resolve(event);
    };
    ami.on(name.toLowerCase(), listener);
  });
}

describe('asterisk-manager against the AMI listener', () => {
  it('logs in, checks, loads, reloads and unloads modules, and receives Load, Reload and Unload', async () => {
    const ami = await login('ops', AMI_SECRET);
    try {
      expect(await action(ami, { action: 'ModuleCheck', module: 'chan_sip.so' })).toMatchObject({ response: 'Success' });
      expect(await action(ami, { action: 'ModuleCheck', module: 'func_uri' })).toMatchObject({ response: 'Error' });

      const loaded = nextEvent(ami, 'Load', 'func_uri');
      expect(await action(ami, { action: 'ModuleLoad', loadtype: 'load', module: 'func_uri.so' })).toMatchObject({ response: 'Success' });
      expect(await loaded).toMatchObject({ event: 'Load', privilege: 'system,all', module: 'func_uri', status: 'Success' });
      expect(s.loader.get('func_uri').state).toBe('running');
      expect(await action(ami, { action: 'ModuleCheck', module: 'func_uri' })).toMatchObject({ response: 'Success' });

      const reloaded = nextEvent(ami, 'Reload', 'func_uri');
      expect(await action(ami, { action: 'ModuleLoad', loadtype: 'reload', module: 'func_uri' })).toMatchObject({ response: 'Success' });
      expect(await reloaded).toMatchObject({ module: 'func_uri', status: '0' });

      const unloaded = nextEvent(ami, 'Unload', 'func_uri');
      expect(await action(ami, { action: 'ModuleLoad', loadtype: 'unload', module: 'func_uri' })).toMatchObject({ response: 'Success' });
      expect(await unloaded).toMatchObject({ event: 'Unload', module: 'func_uri', status: 'Success' });
      expect(s.loader.get('func_uri').state).toBe('available');

      const refused = await action(ami, { action: 'ModuleLoad', loadtype: 'load', module: 'app_system' });
      expect(refused).toMatchObject({ response: 'Error', message: expect.stringContaining('neverload') });
    } finally {
      ami.disconnect();
    }
  });

  it('refuses a wrong secret and closes the connection', async () => {
    const failure = (await login('ops', 'not-the-secret').then(
      () => undefined,
      (err: Message) => err,
    )) as Message;
    expect(failure).toMatchObject({ response: 'Error', message: 'Authentication failed' });
  });

  it('refuses ModuleLoad to a user without the system write class', async () => {
    const ami = await login('watcher', 'watcher-secret');
    try {
      expect(await action(ami, { action: 'ModuleLoad', loadtype: 'load', module: 'func_uri' })).toMatchObject({ response: 'Error', message: 'Permission denied' });
      expect(s.loader.get('func_uri').state).toBe('available');
      expect(await action(ami, { action: 'Ping' })).toMatchObject({ response: 'Success', ping: 'Pong' });
    } finally {
      ami.disconnect();
    }
  });
});
