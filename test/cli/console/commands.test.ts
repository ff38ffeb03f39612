/**
 * The remote commands Asterisk operators type, against a real listening service: several
 * modules at once, `unload -h`, `reload` of everything, `why`, `holds`, `manifest rescan`,
 * `config reload`, `--json`, `-rx`, `--version` and the completion script.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, serviceNames } from '../../../src/cli/console/completion.js';
import { splitWords } from '../../../src/cli/console/words.js';
import { main } from '../../../src/cli/main.js';
import { startService, type TestService } from '../../http/support/service.js';
import { SECRETS, TOKENS_CONF } from '../../http/support/tokens.js';
import { captureIO } from '../support/io.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true, config: { 'tokens.conf': TOKENS_CONF } });
});
afterAll(async () => s?.stop());

async function cli(...args: string[]) {
  const io = captureIO();
  const code = await main([...args, '--url', s.url, '--token', SECRETS.admin], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('module load / unload / reload with Asterisk habits', () => {
  it('loads and unloads several modules in one command, in order', async () => {
    const loaded = await cli('module', 'load', 'func_cut.so', 'func_uri');
    expect(loaded.code).toBe(0);
    expect(loaded.out).toMatch(/^Loaded func_cut \(op-\d+\)\n[\s\S]*^Loaded func_uri \(op-\d+\)$/m);
    const unloaded = await cli('module', 'unload', 'func_cut', 'func_uri');
    expect(unloaded.out.match(/^Unloaded func_\w+/gm)).toEqual(['Unloaded func_cut', 'Unloaded func_uri']);
    expect(s.loader.get('func_uri').state).toBe('available');
  });

  it('stops at the first refusal, as Asterisk does, and exits 1', async () => {
    const result = await cli('module', 'load', 'func_cut', 'app_system', 'func_uri');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/app_system: .*\[neverload\]/);
    expect(s.loader.get('func_uri').state).toBe('available');
    await cli('module', 'unload', 'func_cut');
  });

  it('unload -h is the firm unload that does not wait; -f the one that waits for the users it asked', async () => {
    await cli('module', 'load', 'func_cut');
    const hold = await s.loader.addUser('func_cut', { holder: 'report-job' });
    const hard = await cli('module', 'unload', '-h', 'func_cut');
    expect(hard.code).toBe(0);
    expect(hard.out).toMatch(/^Unload of func_cut requested \(op-\d+\); it keeps running until these let go:\n {2}external report-job/);
    const started = Date.now();
    const firm = cli('module', 'unload', '-f', 'func_cut');
    setTimeout(() => void s.loader.releaseUser(hold.user!.id), 200);
    expect((await firm).code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(s.loader.get('func_cut').state).toBe('available');
  });

  it('reloads every running module when given no name', async () => {
    const { code, out } = await cli('module', 'reload');
    expect(code).toBe(0);
    const reloaded = out.match(/^Reloaded (\S+)/gm)!.map((l) => l.slice('Reloaded '.length));
    expect(reloaded).toEqual(s.loader.list({ state: 'running' }).map((m) => m.name));
  });
});

describe('beyond Asterisk', () => {
  it('module why names each chain from a root', async () => {
    const { code, out } = await cli('module', 'why', 'app_dial');
    expect(code).toBe(0);
    expect(out).toMatch(/^app_dial is kept running by:\n/);
    expect(out).toMatch(/dialplan dialplan:internal,100,1 \(u\d+(-[0-9a-f]+)?\).*: .*app_dial$/m);
  });

  it('module holds adds, lists and releases external holds', async () => {
    const added = await cli('module', 'holds', 'add', 'func_uri', 'nightly-report', 'cancellable');
    expect(added.code).toBe(0);
    const id = /\((u\d+(?:-[0-9a-f]+)?);/.exec(added.out)![1]!;
    expect(s.loader.get('func_uri').state).toBe('running');
    const listed = await cli('module', 'holds', 'func_uri');
    expect(listed.out).toMatch(new RegExp(`^${id}\\s+func_uri\\s+nightly-report\\s+yes\\s`, 'm'));
    const json = await cli('module', 'holds', '--json');
    expect(JSON.parse(json.out)).toEqual({ users: [expect.objectContaining({ id, module: 'func_uri', holder: 'nightly-report', cancellable: true })] });
    expect((await cli('module', 'holds', 'release', id)).out).toMatch(new RegExp(`^Released ${id}`));
    expect(s.loader.get('func_uri').state).toBe('available');
    expect((await cli('module', 'holds')).out).toBe('No external holds\n');
  });

  it('manifest rescan and config reload drive the running service', async () => {
    const rescan = await cli('manifest', 'rescan');
    expect(rescan).toMatchObject({ code: 0, out: expect.stringMatching(/^Rescanned \(op-\d+\): added -; changed -; removed -; stale -/) });
    await appendFile(join(s.dirs.config, 'modules.conf'), '\n; a comment changes nothing\n');
    expect(await cli('config', 'reload')).toMatchObject({ code: 0, out: expect.stringMatching(/^Config reloaded \(op-\d+\): nothing changed/) });
  });

  it('--json prints the service answers for scripts', async () => {
    const { out } = await cli('module', 'show', 'like', 'chan_', '--json');
    expect(JSON.parse(out)).toEqual({ modules: [expect.objectContaining({ name: 'chan_sip', state: 'running' })] });
    expect(JSON.parse((await cli('module', 'why', 'chan_sip', '--json')).out)).toMatchObject({ module: 'chan_sip', chains: expect.any(Array) });
  });

  it('-rx runs one quoted command like asterisk -rx, with its exit status', async () => {
    const shown = await cli('-rx', 'module show like "sip"');
    expect(shown).toMatchObject({ code: 0, out: expect.stringMatching(/^chan_sip\s/m) });
    expect(shown.out.trimEnd().split('\n').at(-1)).toBe('1 modules loaded');
    expect((await cli('-rx', 'module load app_system')).code).toBe(1);
    expect((await cli('-rx', 'module frobnicate')).code).toBe(2);
    expect((await cli('-rx', 'module show "like')).code).toBe(2);
  });

  it('--version and completion scripts', async () => {
    const io = captureIO();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout).toMatch(/^modloader \d+\.\d+\.\d+\n$/);
    const bash = captureIO();
    expect(await main(['completion', 'bash'], bash)).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F _modloader modloader');
    const zsh = captureIO();
    expect(await main(['completion', 'zsh'], zsh)).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(await main(['completion', 'fish'], captureIO())).toBe(2);
  });
});

describe('completion', () => {
  const names = () => serviceNames({ url: s.url, token: SECRETS.read });

  it('completes commands, then module names without extensions: not running for load, running for unload', async () => {
    expect(await complete([], 'mo', 'console', names())).toEqual(['module']);
    expect(await complete(['module'], 're', 'console', names())).toEqual(['reload']);
    expect(await complete(['module', 'load'], 'func_p', 'console', names())).toEqual(['func_periodic_hook']);
    expect(await complete(['module', 'unload'], 'chan', 'console', names())).toEqual(['chan_sip']);
    expect(await complete(['module', 'unload'], '-', 'console', names())).toEqual(['-f', '-h']);
    expect(await complete(['module', 'load'], 'chan', 'console', names())).toEqual([]);
    expect(await complete([], '', 'shell', names())).toContain('-rx');
  });

  it('answers the shell through modloader __complete, using --url and --token from the line', async () => {
    const io = captureIO();
    expect(await main(['__complete', 'module', 'unload', '--url', s.url, '--token', SECRETS.read, 'res_timing_t'], io)).toBe(0);
    expect(io.stdout).toBe('res_timing_timerfd\n');
    const offline = captureIO();
    expect(await main(['__complete', 'module', 'load', '--url', 'http://127.0.0.1:1', 'x'], offline)).toBe(0);
    expect(offline.stdout).toBe('');
  });

  it('splits console lines as a shell would', () => {
    expect(splitWords(` module  show like "a b" 'c' d\\ e `)).toEqual(['module', 'show', 'like', 'a b', 'c', 'd e']);
    expect(() => splitWords('module "show')).toThrow(/unclosed/);
  });
});
