import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfigDir } from '../../src/conf/config-dir.js';

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

describe('the shipped config directory', () => {
  it('reads without errors and has no tokens (loopback only)', async () => {
    const read = await readConfigDir(CONFIG_DIR);
    expect(read.errors).toEqual([]);
    expect(read.tokens).toEqual([]);
    expect(read.files['tokens.conf']).toBeNull();
  });

  it("is the proposal's policy: chan_sip required, app_system and func_shell banned, load=app_system beaten by neverload", async () => {
    const { policy } = await readConfigDir(CONFIG_DIR);
    expect(policy.autoload).toBe(false);
    expect(policy.require.map((entry) => entry.name)).toEqual(['chan_sip']);
    expect(policy.load.map((entry) => entry.name)).toEqual(['app_system']);
    expect(policy.neverload.map((entry) => entry.name)).toEqual(['app_system', 'func_shell']);
    expect(policy.warnings).toEqual([expect.objectContaining({ file: 'modules.conf', message: expect.stringContaining('load=app_system') })]);
    expect(policy.uses.map((use) => `${use.module} ${use.type}=${use.name}`)).toEqual([
      'chan_sip module=cdr_custom',
      'chan_sip module=res_timing_timerfd',
      'chan_sip module=res_rtp_asterisk',
      'chan_sip module=pbx_config',
      'pbx_config module=app_dial',
      'pbx_config application=Gosub',
      'pbx_config function=GLOBAL',
      'pbx_config function=CHANNEL',
    ]);
    expect(policy.extconfig.map((entry) => `${entry.config} => ${entry.driver},${entry.database},${entry.table}`)).toEqual([
      'extensions.conf => sqlite3,asterisk,ast_config',
    ]);
  });

  it("has the proposal's dialplan step and realistic contexts around it", async () => {
    const { policy } = await readConfigDir(CONFIG_DIR);
    expect(policy.dialplan).toContainEqual(expect.objectContaining({ context: 'test', exten: 's', priority: '1', app: 'Gosub' }));
    expect(policy.dialplan.map((step) => `${step.context},${step.exten},${step.priority},${step.app}`)).toEqual([
      'test,s,1,Gosub',
      'mymacro,s,1,Playback',
      'mymacro,s,2,Return',
      'internal,100,1,Dial',
      'internal,100,2,VoiceMail',
      'internal,101,1,Dial',
      'internal,600,1,Echo',
      'internal,700,1,MusicOnHold',
      'internal,555,1,ChanSpy',
    ]);
  });
});
