/**
 * SPEC 11: nothing outside the module and config directories is read through a symlink that
 * leads out of them (binaries, manifests, config files, `ctx.config`), and no problem ever
 * echoes a file's contents: a file that is not what it should be is reported by name and
 * line, never quoted, so neither a symlink nor a secret on a bad line leaks through an answer,
 * an event or the log.
 */
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../../src/http/service.js';
import { sampleDirs } from '../support/sample-dirs.js';
import { call } from './support/call.js';
import { startService, type TestService } from './support/service.js';

/** What must never show: a shadow-file hash and a bearer secret. */
const SHADOW_SECRET = '$6$Zk9v0J6cW8yq3lT4$Hb3nT8wQ1zK6vM9cX2rY5pL0sD7fJ4';
const SHADOW = `root:${SHADOW_SECRET}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`;
const TOKEN_SECRET = 'q7Vf2m9XcL0sB4nH8kJ1tY6wZ3pR5e';
const PASSWORD = 'hunter2-correct-horse';

/** A module that reads mod.conf at load, so a bad mod.conf fails its load. */
const MOD_CONF = `/*** MODULEINFO
	<support_level>extended</support_level>
	<description>Reads mod.conf</description>
 ***/
export async function load(ctx) {
  await ctx.config('mod.conf');
}
`;
const MOD_OUT = `/*** MODULEINFO
	<support_level>extended</support_level>
	<description>Its binary is a symlink</description>
 ***/
export function load() {}
`;

let outside: string;
beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'modloader-outside-'));
  await writeFile(join(outside, 'shadow'), SHADOW);
  await writeFile(join(outside, 'mod.conf'), '[general]\nkey=value\n');
  await writeFile(join(outside, 'mod_out.js'), MOD_OUT);
});
afterAll(async () => rm(outside, { recursive: true, force: true }));

function expectNoSecret(text: string): void {
  for (const secret of [SHADOW_SECRET, 'root:', TOKEN_SECRET, PASSWORD]) expect(text).not.toContain(secret);
}

describe('symlinks that lead out of the directories', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startService({ modules: { 'mod_conf.js': MOD_CONF, 'mod_out.js': MOD_OUT, 'mod_in.js': MOD_OUT.replace('symlink', 'symlink inside') } });
  });
  afterAll(async () => s?.stop());

  it('are refused for a manifest, naming the file without its contents', async () => {
    await symlink(join(outside, 'shadow'), join(s.dirs.modules, 'evil.manifest'));
    try {
      const answer = await call(s.app, 'POST', '/manifests/rescan');
      expect(answer.status).toBe(200);
      expect(answer.json.problems).toEqual([expect.objectContaining({ file: 'evil.manifest', code: 'outside_module_dir' })]);
      expectNoSecret(answer.body);
    } finally {
      await rm(join(s.dirs.modules, 'evil.manifest'));
    }
  });

  it('are refused for a binary, even one that matches its manifest', async () => {
    await rm(join(s.dirs.modules, 'mod_out.js'));
    await symlink(join(outside, 'mod_out.js'), join(s.dirs.modules, 'mod_out.js'));
    const answer = await call(s.app, 'POST', '/modules/mod_out/load');
    expect(answer.json).toMatchObject({ status: 409, code: 'load_failed' });
    expect(answer.json.reason ?? answer.json.detail).toMatch(/outside/);
    expect(s.loader.get('mod_out').state).not.toBe('running');
  });

  it('are followed when they stay inside', async () => {
    await mkdir(join(s.dirs.modules, 'lib'));
    const code = await readFile(join(s.dirs.modules, 'mod_in.js'), 'utf8');
    await writeFile(join(s.dirs.modules, 'lib', 'mod_in_impl.js'), code);
    await rm(join(s.dirs.modules, 'mod_in.js'));
    await symlink(join(s.dirs.modules, 'lib', 'mod_in_impl.js'), join(s.dirs.modules, 'mod_in.js'));
    const { problems } = (await call(s.app, 'POST', '/manifests/rescan')).json as { problems: Array<{ file: string }> };
    expect(problems.filter((p) => p.file === 'mod_in.manifest')).toEqual([]);
    expect((await call(s.app, 'POST', '/modules/mod_in/load')).status).toBe(200);
  });

  it('are refused for ctx.config', async () => {
    await symlink(join(outside, 'mod.conf'), join(s.dirs.config, 'mod.conf'));
    try {
      const answer = await call(s.app, 'POST', '/modules/mod_conf/load');
      expect(answer.json).toMatchObject({ status: 409, code: 'load_failed' });
      expect(answer.body).toMatch(/mod\.conf.*outside/);
    } finally {
      await rm(join(s.dirs.config, 'mod.conf'));
    }
  });

  it('are refused for a config file on reload, keeping the policy', async () => {
    const before = s.loader.policy();
    await rm(join(s.dirs.config, 'extensions.conf'));
    await symlink(join(outside, 'shadow'), join(s.dirs.config, 'extensions.conf'));
    const answer = await call(s.app, 'POST', '/config/reload');
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([expect.objectContaining({ file: 'extensions.conf', code: 'outside_config_dir' })]);
    expectNoSecret(answer.body);
    expect(s.loader.policy()).toEqual(before);
  });
});

describe('a file that is not what it should be', () => {
  it('stops the start naming tokens.conf and the line, never the secret on it', async () => {
    const dirs = await sampleDirs({ config: { 'tokens.conf': `[deploy]\nsecret ${TOKEN_SECRET}\nrole=operate\n` } });
    try {
      const settings = { modules: dirs.modules, config: dirs.config, host: '127.0.0.1', history: 100, load_timeout_ms: 5000 };
      const err = await createService({ settings }).then(
        () => new Error('started'),
        (e: Error) => e,
      );
      expect(err.message).toMatch(/tokens\.conf:2/);
      expectNoSecret(err.message);
    } finally {
      await dirs.remove();
    }
  });

  let s: TestService;
  beforeAll(async () => {
    s = await startService({ modules: { 'mod_conf.js': MOD_CONF } });
  });
  afterAll(async () => s?.stop());

  it('is refused on reload by file and line, not quoted', async () => {
    await writeFile(join(s.dirs.config, 'modules.conf'), `[modules]\n${SHADOW}`);
    const answer = await call(s.app, 'POST', '/config/reload');
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0]).toMatchObject({ file: 'modules.conf', line: 2 });
    expectNoSecret(answer.body);
  });

  it("fails a module's load without quoting its config file", async () => {
    await writeFile(join(s.dirs.config, 'mod.conf'), `[general]\npassword ${PASSWORD}\n`);
    const answer = await call(s.app, 'POST', '/modules/mod_conf/load');
    expect(answer.json).toMatchObject({ code: 'load_failed' });
    expect(answer.body).toMatch(/mod\.conf:2/);
    expectNoSecret(answer.body);
  });

  it('is a manifest problem by line, not quoted', async () => {
    await writeFile(join(s.dirs.modules, 'junk.manifest'), `[module]\nname=junk\n${SHADOW}[${SHADOW_SECRET}]\n${SHADOW_SECRET}=1\n`);
    const answer = await call(s.app, 'POST', '/manifests/rescan');
    expect(answer.json.problems.length).toBeGreaterThan(0);
    expectNoSecret(answer.body);
  });
});
