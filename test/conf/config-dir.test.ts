import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfigDir } from '../../src/conf/config-dir.js';
import { readConfFile } from '../../src/conf/read-conf-file.js';
import { emptyPolicy } from '../../src/core/policy.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modloader-conf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readConfigDir', () => {
  it('reads an empty directory as the empty policy with no tokens', async () => {
    const read = await readConfigDir(dir);
    expect(read).toEqual({
      policy: emptyPolicy(),
      tokens: [],
      errors: [],
      files: { 'modules.conf': null, 'extensions.conf': null, 'extconfig.conf': null, 'tokens.conf': null },
    });
  });

  it('combines the four files', async () => {
    await writeFile(join(dir, 'modules.conf'), '[modules]\nrequire=chan_sip\n');
    await writeFile(join(dir, 'extensions.conf'), '[test]\nexten => s,1,Gosub(mymacro,s,1(test))\n');
    await writeFile(join(dir, 'extconfig.conf'), '[settings]\nextensions.conf => sqlite3,asterisk,ast_config\n');
    await writeFile(join(dir, 'tokens.conf'), '[ops]\nsecret=ops-0123456789abcdef\nrole=operate\n');
    const read = await readConfigDir(dir);
    expect(read.errors).toEqual([]);
    expect(read.policy.require.map((entry) => entry.name)).toEqual(['chan_sip']);
    expect(read.policy.dialplan.map((step) => step.app)).toEqual(['Gosub']);
    expect(read.policy.extconfig.map((entry) => entry.driver)).toEqual(['sqlite3']);
    expect(read.tokens).toEqual([{ name: 'ops', secret: 'ops-0123456789abcdef', role: 'operate' }]);
    expect(Object.values(read.files).every((file) => file !== null)).toBe(true);
  });

  it('reports a file with a syntax error and still reads the others', async () => {
    await writeFile(join(dir, 'modules.conf'), '[modules]\nrequire=chan_sip\n#include evil.conf\n');
    await writeFile(join(dir, 'extensions.conf'), '[test]\nexten => s,1,Echo()\n');
    const read = await readConfigDir(dir);
    expect(read.errors.map((err) => [err.code, err.file, err.line])).toEqual([['directive_refused', 'modules.conf', 3]]);
    expect(read.files['modules.conf']).toBeNull();
    expect(read.policy.require).toEqual([]);
    expect(read.policy.dialplan.map((step) => step.app)).toEqual(['Echo']);
  });

  it('collects the errors of every file', async () => {
    await writeFile(join(dir, 'modules.conf'), '[modules]\nload=a/b\n');
    await writeFile(join(dir, 'tokens.conf'), '[x]\nrole=read\n');
    const read = await readConfigDir(dir);
    expect(read.errors.map((err) => [err.code, err.file, err.line])).toEqual([
      ['invalid_module_name', 'modules.conf', 2],
      ['missing_secret', 'tokens.conf', 1],
    ]);
  });

  it('reports a config directory that does not exist', async () => {
    const read = await readConfigDir(join(dir, 'nope'));
    expect(read.errors.map((err) => err.code)).toEqual(['config_dir_missing']);
    expect(read.policy).toEqual(emptyPolicy());
  });

  it('reports a config file that is a directory', async () => {
    await mkdir(join(dir, 'modules.conf'));
    const read = await readConfigDir(dir);
    expect(read.errors.map((err) => [err.code, err.file])).toEqual([['unreadable', 'modules.conf']]);
  });
});

describe('readConfFile', () => {
  it.each(['../x.conf', 'a/b.conf', 'a\\b.conf', 'x.conf\0', '\0.conf', '/etc/x.conf', 'x.txt', '.conf', ''])('refuses %j before touching the disk', async (name) => {
    await expect(readConfFile(dir, name)).rejects.toMatchObject({ code: 'invalid_file_name' });
  });

  it('resolves null for an absent file', async () => {
    await expect(readConfFile(dir, 'sip.conf')).resolves.toBeNull();
  });
});
