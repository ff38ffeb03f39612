/**
 * The AMI listener over raw sockets, as `nc` would drive it: the banner, what is allowed before
 * login, malformed input answered `Response: Error` (never a crash), MD5 logins, event masks,
 * and the limits that keep slow, silent or too many clients from hurting the loader.
 */
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManagerListener } from '../../src/ami/listener.js';
import { ALL, CLASS_BITS } from '../../src/ami/permissions.js';
import { DEFAULT_MANAGER_CONF, type ManagerConf } from '../../src/conf/manager-conf.js';
import { startService, type TestService } from '../http/support/service.js';
import { amiConnect, type AmiSocket } from './support/ami-socket.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const open: ManagerListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

const OPS = { name: 'ops', secret: 'ops-secret', read: ALL, write: ALL };

async function listener(conf: Partial<ManagerConf> = {}, options: { maxBufferedBytes?: number } = {}): Promise<{ listener: ManagerListener; port: number }> {
  const created = new ManagerListener({
    conf: { ...DEFAULT_MANAGER_CONF, enabled: true, port: 0, users: [OPS], ...conf },
    loader: s.loader,
    logger: pino({ level: 'silent' }),
    startedAt: Date.now(),
    failedLoginDelayMs: 0,
    ...options,
  });
  open.push(created);
  const { port } = await created.listen();
  return { listener: created, port };
}

/** Logs in as ops (and reads the FullyBooted that follows unless events are off). */
async function loggedIn(port: number, extra: Record<string, string> = {}): Promise<AmiSocket> {
  const ami = await amiConnect(port);
  ami.action({ Action: 'Login', Username: 'OPS', Secret: 'ops-secret', ActionID: 'login', ...extra });
  expect(await ami.until((m) => m.ActionID === 'login')).toMatchObject({ Response: 'Success' });
  if (extra.Events !== 'off') expect(await ami.next()).toMatchObject({ Event: 'FullyBooted', Privilege: 'system,all' });
  return ami;
}

describe('AMI sessions', () => {
  it("greets with Asterisk's banner and allows only Login, Logoff and Challenge before login", async () => {
    const { port } = await listener();
    const ami = await amiConnect(port);
    expect(ami.banner).toBe('Asterisk Call Manager/13.0.0');
    ami.action({ Action: 'ModuleCheck', Module: 'chan_sip', ActionID: 'a1' });
    expect(await ami.next()).toEqual({ Response: 'Error', ActionID: 'a1', Message: 'Permission denied' });
    ami.action({ Action: 'Ping' });
    expect(await ami.next()).toMatchObject({ Response: 'Error', Message: 'Permission denied' });
    ami.action({ Action: 'Logoff', ActionID: 'bye' });
    expect(await ami.next()).toMatchObject({ Response: 'Goodbye', ActionID: 'bye' });
    await ami.closed;
  });

  it('answers malformed input with Response: Error and goes on serving', async () => {
    const { port } = await listener();
    const ami = await loggedIn(port);
    ami.send('no colon here\r\nActionID: x1\r\n\r\n');
    expect(await ami.next()).toMatchObject({ Response: 'Error', ActionID: 'x1', Message: 'The message has no Action header' });
    ami.send(`Action: Ping\r\nActionID: x2\r\nJunk: ${'z'.repeat(5000)}\r\n\r\n`);
    expect(await ami.next()).toMatchObject({ Response: 'Error', Message: expect.stringContaining('too long') });
    ami.send(`Action: Ping\r\n${'H: v\r\n'.repeat(300)}\r\n`);
    expect(await ami.next()).toMatchObject({ Response: 'Error', Message: expect.stringContaining('too many lines') });
    ami.socket.write(Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(await ami.next()).toMatchObject({ Response: 'Error' });
    ami.action({ Action: 'Frobnicate', ActionID: 'x3' });
    expect(await ami.next()).toMatchObject({ Response: 'Error', ActionID: 'x3', Message: expect.stringContaining('Unknown action Frobnicate') });
    ami.action({ Action: 'ModuleLoad', LoadType: 'explode', Module: 'x' });
    expect(await ami.next()).toMatchObject({ Response: 'Error' });
    ami.action({ Action: 'ModuleLoad', LoadType: 'load', Module: '../../etc/passwd' });
    expect(await ami.next()).toMatchObject({ Response: 'Error', Message: expect.stringContaining('not a module name') });
    ami.action({ action: 'ping', actionid: 'x4' });
    expect(await ami.next()).toMatchObject({ Response: 'Success', ActionID: 'x4', Ping: 'Pong' });
    ami.close();
  });

  it('logs in with an MD5 challenge, and refuses a wrong key by closing', async () => {
    const { port } = await listener();
    const ami = await amiConnect(port);
    ami.action({ Action: 'Challenge', AuthType: 'MD5' });
    const { Challenge } = await ami.next();
    const key = createHash('md5').update(`${Challenge}ops-secret`).digest('hex');
    ami.action({ Action: 'Login', AuthType: 'MD5', Username: 'ops', Key: key });
    expect(await ami.next()).toMatchObject({ Response: 'Success', Message: 'Authentication accepted' });
    ami.close();

    const wrong = await amiConnect(port);
    wrong.action({ Action: 'Challenge', AuthType: 'MD5' });
    await wrong.next();
    wrong.action({ Action: 'Login', AuthType: 'MD5', Username: 'ops', Key: '0'.repeat(32) });
    expect(await wrong.next()).toMatchObject({ Response: 'Error', Message: 'Authentication failed' });
    await wrong.closed;
  });

  it('sends system events only to sessions whose mask includes system', async () => {
    const { port } = await listener();
    const quiet = await loggedIn(port, { Events: 'off' });
    const loud = await loggedIn(port);
    quiet.action({ Action: 'Events', EventMask: 'bogus', ActionID: 'e1' });
    expect(await quiet.next()).toMatchObject({ Response: 'Error', ActionID: 'e1' });

    await s.loader.load('func_cut', { cause: 'ami-test' });
    expect(await loud.next()).toEqual({ Event: 'Load', Privilege: 'system,all', Module: 'func_cut', Status: 'Success' });
    quiet.action({ Action: 'Ping', ActionID: 'p' });
    // nothing was queued before the Ping's answer: the Load event was not sent to it
    expect(await quiet.next()).toMatchObject({ ActionID: 'p' });

    quiet.action({ Action: 'Events', EventMask: 'system', ActionID: 'e2' });
    expect(await quiet.next()).toMatchObject({ Response: 'Success', Events: 'On' });
    await s.loader.unload('func_cut', { cause: 'ami-test' });
    expect(await quiet.next()).toMatchObject({ Event: 'Unload', Module: 'func_cut' });
    quiet.close();
    loud.close();
  });

  it('tells logged-in sessions about a shutdown and closes them', async () => {
    const { listener: l, port } = await listener();
    const ami = await loggedIn(port, { Events: 'system' });
    await l.close();
    expect(await ami.next()).toMatchObject({ Event: 'Shutdown', Shutdown: 'Cleanly' });
    await ami.closed;
  });
});

describe('AMI limits', () => {
  it('cuts off a client that does not read, while the loader and other sessions go on', async () => {
    const { listener: l, port } = await listener({}, { maxBufferedBytes: 64 * 1024 });
    const watcher = await loggedIn(port, { Events: 'system' });
    const slow = await loggedIn(port);
    slow.socket.pause(); // reads nothing from now on
    const request = 'Action: ListCommands\r\n\r\n'.repeat(200);
    let sent = 0;
    let closed = false;
    void slow.closed.then(() => (closed = true));
    while (!closed && sent < 400 * 1024 * 1024) {
      if (!slow.socket.write(request)) await new Promise<void>((r) => (slow.socket.once('drain', r), slow.closed.then(r)));
      sent += request.length;
    }
    await slow.closed;
    expect(l.sessionCount).toBe(1);
    await s.loader.load('func_uri', { cause: 'ami-test' });
    expect(await watcher.next()).toMatchObject({ Event: 'Load', Module: 'func_uri' });
    await s.loader.unload('func_uri', { cause: 'ami-test' });
    watcher.close();
  });

  it('closes a connection that does not log in within authtimeout', async () => {
    const { port } = await listener({ authtimeout: 1 });
    const silent = await amiConnect(port);
    await silent.closed;
  });

  it('refuses connections beyond authlimit until one logs in', async () => {
    const { port } = await listener({ authlimit: 2 });
    const first = await amiConnect(port);
    const second = await amiConnect(port);
    await expect(amiConnect(port)).rejects.toThrow('closed before the banner');
    first.action({ Action: 'Login', Username: 'ops', Secret: 'ops-secret' });
    await first.next();
    const third = await amiConnect(port);
    expect(third.banner).toMatch(/^Asterisk Call Manager/);
    for (const c of [first, second, third]) c.close();
  });
});

describe('AMI permissions', () => {
  it('answers ListCommands with what the user may run', async () => {
    const { port } = await listener({ users: [OPS, { name: 'reader', secret: 'r', read: CLASS_BITS.system, write: 0 }] });
    const reader = await amiConnect(port);
    reader.action({ Action: 'Login', Username: 'reader', Secret: 'r' });
    await reader.next();
    reader.action({ Action: 'ListCommands' });
    const commands = await reader.until((m) => m.Response !== undefined);
    expect(Object.keys(commands)).toContain('Ping');
    expect(Object.keys(commands)).not.toContain('ModuleLoad');
    reader.close();
  });
});
