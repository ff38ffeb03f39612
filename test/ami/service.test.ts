/** The service and manager.conf: when the AMI listener starts, refuses to, and follows a config reload. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, ServiceStartError } from '../../src/http/service.js';
import { listen } from '../../src/http/server.js';
import { sampleDirs, type SampleDirs } from '../support/sample-dirs.js';
import { amiConnect } from './support/ami-socket.js';

let dirs: SampleDirs;
beforeAll(async () => {
  dirs = await sampleDirs();
});
afterAll(async () => dirs?.remove());

const settings = () => ({ modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: 10, load_timeout_ms: 5_000 });
const managerConf = (text: string) => writeFile(join(dirs.config, 'manager.conf'), text);

describe('the service with manager.conf', () => {
  it('refuses to start on errors in manager.conf, naming file and line', async () => {
    await managerConf('[general]\nenabled=yes\n[ops]\nsecret=s\ndeny=0.0.0.0/0\n');
    const failure = await createService({ settings: settings(), heartbeatMs: 0 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect(failure).toMatchObject({ code: 'manager_conf_invalid', details: { reason: 'invalid' } });
    expect((failure as Error).message).toContain('manager.conf:5');
  });

  it('refuses to open AMI beyond loopback without users', async () => {
    await managerConf('[general]\nenabled=yes\nbindaddr=0.0.0.0\n');
    await expect(createService({ settings: settings(), heartbeatMs: 0 })).rejects.toThrow(/refusing to open AMI on 0\.0\.0\.0 without users/);
  });

  it('opens no listener when manager.conf is absent or disabled', async () => {
    await managerConf('[general]\nenabled=no\n');
    const service = await createService({ settings: settings(), heartbeatMs: 0 });
    expect(service.manager).toBeUndefined();
    await service.close();
  });

  it('listens once the service listens, takes new users on config reload, and closes with the service', async () => {
    await managerConf('[general]\nenabled=yes\nport=0\n[ops]\nsecret=old\nread=system\nwrite=system\n');
    const service = await createService({ settings: settings(), heartbeatMs: 0 });
    const { url, manager } = await listen(service, { host: '127.0.0.1', port: 0 });
    const login = async (secret: string) => {
      const ami = await amiConnect(manager!.port);
      ami.action({ Action: 'Login', Username: 'ops', Secret: secret });
      const answer = await ami.next();
      ami.close();
      return answer.Response;
    };
    try {
      expect(await login('old')).toBe('Success');
      await managerConf('[general]\nenabled=yes\nport=0\n[ops]\nsecret=new\nread=system\nwrite=system\n');
      expect((await fetch(`${url}/config/reload`, { method: 'POST' })).status).toBe(200);
      expect(await login('new')).toBe('Success');
    } finally {
      await service.close();
    }
    await expect(amiConnect(manager!.port)).rejects.toThrow();
  });
});
