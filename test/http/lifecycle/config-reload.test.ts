/**
 * The lifecycle issue's items 4 and 9 on the sample PBX over real HTTP: `POST /config/reload`
 * applies the difference by meaning. A cosmetic edit plans nothing (a call stays up and no
 * module restarts), a lifted `neverload` is lifted, new dialplan lines are `add_user` steps, and
 * names in `[modules]` that match no module are warnings with file and line.
 */
import { describe, expect, it } from 'vitest';
import { editConfig, http, servicePerTest, streamed } from '../support/lifecycle.js';

const services = servicePerTest();

const lineOf = (text: string, line: string): number => text.split('\n').indexOf(line) + 1;

describe('POST /config/reload after a cosmetic edit', () => {
  it('plans nothing and restarts nothing while a call is up (a comment line added at the top of modules.conf)', async () => {
    const { s, stream } = await services.start();
    const call = await http(s, 'POST', '/actions/Originate', { peer: 'alice' });
    expect(call.status).toBe(200);
    await editConfig(s, 'modules.conf', (text) => `; reviewed by ops\n${text}`);

    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    expect(reload.json.plan).toEqual([]);
    const ofReload = streamed(stream).filter((e) => e.op === reload.json.op);
    expect(ofReload.filter((e) => ['loading', 'unloading', 'user_add', 'user_release'].includes(e.event))).toEqual([]);
    const channels = await http(s, 'GET', '/users?kind=channel');
    expect(channels.json.users).toEqual([expect.objectContaining({ holder: call.json.result.channel, module: 'chan_sip' })]);
  });

  it('plans nothing when [uses] lines are reordered and extensions.conf gets blank and comment lines', async () => {
    const { s } = await services.start();
    const before = s.loader.users().map((u) => u.id).sort();
    await editConfig(s, 'modules.conf', (text) => text.replace('chan_sip=cdr_custom ; chan_sip requires cdr_custom per admin\n', '').replace('pbx_config=app_dial\n', 'pbx_config=app_dial\nchan_sip=cdr_custom\n'));
    await editConfig(s, 'extensions.conf', (text) => text.replace('[test]\n', '\n; the test context\n\n[test]\n').replace('exten => 600,1,Echo()', '\nexten => 600,1,Echo()'));
    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    expect(reload.json.plan).toEqual([]);
    expect(s.loader.users().map((u) => u.id).sort()).toEqual(before);
  });
});

describe('POST /config/reload after a real edit', () => {
  it('lifts a neverload line that was removed: the banned module can load again', async () => {
    const { s } = await services.start();
    expect((await http(s, 'POST', '/modules/func_shell/load')).json.code).toBe('neverload');
    await editConfig(s, 'modules.conf', (text) => text.replace('neverload=func_shell\n', ''));
    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    expect((await http(s, 'GET', '/config')).json.neverload.map((e: { name: string }) => e.name)).toEqual(['app_system']);
    const load = await http(s, 'POST', '/modules/func_shell/load');
    expect(load.status).toBe(200);
    expect(load.json.state).toBe('running');
  });

  it('lists new dialplan lines as add_user steps', async () => {
    const { s } = await services.start();
    await editConfig(s, 'extensions.conf', (text) => `${text}exten => 800,1,ExtenSpy(SIP)\nexten => 601,1,Echo()\n`);
    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    expect(reload.json.plan).toEqual(
      expect.arrayContaining([
        { module: 'app_chanspy', action: 'add_user', user: expect.objectContaining({ kind: 'dialplan', holder: 'dialplan:internal,800,1' }) },
        { module: 'app_echo', action: 'add_user', user: expect.objectContaining({ kind: 'dialplan', holder: 'dialplan:internal,601,1' }) },
      ]),
    );
    expect(reload.json.plan).toHaveLength(2);
    expect((await http(s, 'GET', '/modules/app_chanspy/users')).json.users.map((u: { holder: string }) => u.holder)).toContain('dialplan:internal,800,1');
  });

  it('warns, with file and line, about load, noload, neverload and require lines naming no module', async () => {
    const { s } = await services.start();
    const added = ['load=app_nothere', 'noload=res_nothere.so', 'neverload=func_nothere', 'require=chan_nothere'];
    const text = await editConfig(s, 'modules.conf', (t) => t.replace('[modules]\n', `[modules]\n${added.join('\n')}\n`));
    const edited = text.replace('[modules]\n', `[modules]\n${added.join('\n')}\n`);
    const reload = await http(s, 'POST', '/config/reload');
    expect(reload.status).toBe(200);
    for (const [line, name] of added.map((l) => [lineOf(edited, l), l.split('=')[1]!.replace('.so', '')] as const)) {
      expect(reload.json.warnings).toContainEqual({ file: 'modules.conf', line, message: expect.stringContaining(name) });
    }
    expect(s.loader.get('chan_sip').state).toBe('running');
  });
});
