/** The remote commands against a real listening service, as an operator types them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startService, type TestService } from '../http/support/service.js';
import { SECRETS, TOKENS_CONF } from '../http/support/tokens.js';
import { captureIO } from './support/io.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true, config: { 'tokens.conf': TOKENS_CONF } });
});
afterAll(async () => s?.stop());

async function cli(args: string[], token: string | null = SECRETS.admin) {
  const io = captureIO();
  const code = await main([...args, '--url', s.url, ...(token ? ['--token', token] : [])], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('modloader module show', () => {
  it("prints Asterisk's columns and its footer, counting the rows listed", async () => {
    const { code, out } = await cli(['module', 'show']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Module\s+Description\s+Use Count\s+Status\s+Support Level$/);
    // %-30s %-40.40s %-10d %-11s %13s, as Asterisk's `module show`
    expect(lines.find((l) => l.startsWith('chan_sip '))).toBe(
      `${'chan_sip'.padEnd(30)} Session Initiation Protocol (SIP) channe ${'1'.padEnd(10)} ${'Running'.padEnd(11)} ${'extended'.padStart(13)}`,
    );
    expect(lines.find((l) => l.startsWith('app_system '))).toMatch(/\s0\s+Not Running\s+core$/);
    expect(lines.at(-1)).toBe(`${s.loader.list().length} modules loaded`);
  });

  it('filters with like, which may carry .so, and always says "modules" as Asterisk does', async () => {
    const { out } = await cli(['module', 'show', 'like', 'timing']);
    const lines = out.trimEnd().split('\n');
    expect(lines.slice(1, -1).map((l) => l.split(' ')[0])).toEqual(['res_timing_dahdi', 'res_timing_pthread', 'res_timing_timerfd']);
    expect(lines.at(-1)).toBe('3 modules loaded');
    const one = (await cli(['module', 'show', 'like', 'chan_sip.so'])).out.trimEnd().split('\n');
    expect(one.slice(1, -1).map((l) => l.split(' ')[0])).toEqual(['chan_sip']);
    expect(one.at(-1)).toBe('1 modules loaded');
  });
});

describe('modloader module load / unload / reload', () => {
  it('loads, says so with the plan, and is idempotent', async () => {
    const first = await cli(['module', 'load', 'func_periodic_hook.so']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Loaded func_periodic_hook \(op-\d+\)\n/);
    expect(first.out).toContain('  load func_cut\n');
    expect((await cli(['module', 'load', 'func_periodic_hook'])).out).toMatch(/^func_periodic_hook is already loaded/);
  });

  it('unloads, and says who still holds a module that keeps running', async () => {
    const unload = await cli(['module', 'unload', 'func_periodic_hook']);
    expect(unload.out).toMatch(/^Unloaded func_periodic_hook/);
    await cli(['module', 'load', 'func_cut']);
    const hold = await s.loader.addUser('func_cut', { holder: 'nightly-report' });
    const soft = await cli(['module', 'unload', 'func_cut']);
    expect(soft.code).toBe(0);
    expect(soft.out).toContain("Released the admin's use of func_cut");
    expect(soft.out).toContain(`external nightly-report (${hold.user!.id})`);
    await s.loader.releaseUser(hold.user!.id);
  });

  it('firm-unloads with -f', async () => {
    await cli(['module', 'load', 'func_cut']);
    const firm = await cli(['module', 'unload', '-f', 'func_cut']);
    expect(firm.code).toBe(0);
    expect(firm.out).toMatch(/^Unloaded func_cut/);
  });

  it('reloads', async () => {
    expect(await cli(['module', 'reload', 'chan_sip'])).toMatchObject({ code: 0, out: expect.stringMatching(/^Reloaded chan_sip/) });
  });

  it('exits 1 with the reason and the users when the service refuses', async () => {
    const refused = await cli(['module', 'unload', 'app_dial']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/\[in_use\]/);
    expect(refused.err).toMatch(/held by: .*dialplan dialplan:internal,100,1/);
    expect((await cli(['module', 'load', 'app_system'])).err).toMatch(/\[neverload\]/);
    expect((await cli(['module', 'load', 'nope'])).code).toBe(1);
  });

  it('exits 1 naming the fix without a token, or with too low a role', async () => {
    const none = await cli(['module', 'show'], null);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/\[unauthorized\][\s\S]*MODLOADER_TOKEN/);
    const low = await cli(['module', 'unload', '-f', 'chan_sip'], SECRETS.operate);
    expect(low.code).toBe(1);
    expect(low.err).toMatch(/\[forbidden\]/);
  });

  it('takes the url and token from MODLOADER_URL and MODLOADER_TOKEN', async () => {
    process.env.MODLOADER_URL = s.url;
    process.env.MODLOADER_TOKEN = SECRETS.read;
    try {
      const io = captureIO();
      expect(await main(['module', 'show', 'like', 'chan_'], io)).toBe(0);
      expect(io.stdout).toContain('chan_sip');
    } finally {
      delete process.env.MODLOADER_URL;
      delete process.env.MODLOADER_TOKEN;
    }
  });

  it('exits 2 on a wrong command line and 3 when the service cannot be reached', async () => {
    expect((await cli(['module', 'unload'])).code).toBe(2);
    expect((await cli(['module', 'frobnicate', 'x'])).code).toBe(2);
    expect((await cli(['module', 'load', '-f', 'x'])).code).toBe(2);
    const io = captureIO();
    expect(await main(['module', 'show', '--url', 'http://127.0.0.1:1'], io)).toBe(3);
    expect(io.stderr).toMatch(/cannot reach the service at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('modloader events', () => {
  it('prints the stream one event per line until the service closes it', async () => {
    let printed = '';
    const sawLoad = new Promise<void>((resolve) => {
      const io = captureIO((text) => {
        printed += `${text}\n`;
        if (/ load func_uri /.test(text)) resolve();
      });
      void main(['events', '--module', 'func_*', '--url', s.url, '--token', SECRETS.read], io);
    });
    // The stream may open after this load: ask for it again until the line shows.
    const loader = setInterval(() => void s.loader.load('func_uri').then(() => s.loader.unload('func_uri')), 50);
    await sawLoad;
    clearInterval(loader);
    expect(printed).toMatch(/^#\d+ \S+ load func_uri state=running op=op-\d+$/m);
    expect(printed).not.toMatch(/chan_sip/);
  });

  it('says the boot id first, and a restart since the --since/--boot it resumes from', async () => {
    let printed = '';
    await new Promise<void>((resolve) => {
      const io = captureIO((text) => {
        printed += `${text}\n`;
        if (/ live /.test(text)) resolve();
      });
      void main(['events', '--since', '7', '--boot', 'a1b2c3d4e5f6', '--events', 'load', '--url', s.url, '--token', SECRETS.read], io);
    });
    const lines = printed.split('\n');
    expect(lines[0]).toMatch(/^-- \S+ hello boot_id=[0-9a-f]{12} next_seq=\d+$/);
    expect(lines[1]).toMatch(/^-- \S+ gap from=8 to=null reason=restarted boot_id=a1b2c3d4e5f6$/);
    expect(lines[2]).toMatch(/^#\d+ \S+ load /);
  });

  it('exits 1 when the service refuses the stream', async () => {
    const io = captureIO();
    expect(await main(['events', '--url', s.url], io)).toBe(1);
    expect(io.stderr).toMatch(/\[unauthorized\]/);
  });
});
