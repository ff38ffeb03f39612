/**
 * SPEC 6.15 and the lifecycle issue's item 4: a config reload applies the difference by
 * meaning. Users from configuration are identified by file, owner, type and name; the line is
 * information only, so a cosmetic edit (comments, blank lines, order) plans nothing. Bans added
 * or lifted take effect, and the plan lists every add_user and release_user.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/core/invariants.js';
import type { Policy } from '../../../src/core/policy.js';
import { cosmetic } from '../support/cosmetic.js';
import { pbxSpecs } from '../support/pbx-specs.js';
import { rejection } from '../support/rejection.js';
import { changes, snapshot } from '../support/snapshot.js';
import { dialplanStep, entries, world } from '../support/world.js';

const specs = [
  { name: 'chan_sip', uses: ['res_rtp'], load_priority: 'channel_driver' as const },
  { name: 'res_rtp' },
  { name: 'pbx_config', config: ['extensions.conf'] },
  { name: 'app_stack', provides: ['application=Gosub', 'application=Return'] },
  { name: 'app_dial', provides: ['application=Dial'] },
  { name: 'app_echo', provides: ['application=Echo'] },
  { name: 'cdr_custom' },
  { name: 'func_global', provides: ['function=GLOBAL'] },
  { name: 'res_config_sqlite3', provides: ['realtime=sqlite3'] },
  { name: 'app_system', provides: ['application=System'] },
];


/** The shipped config in miniature: require, load, neverload, [uses] of both types, extconfig, a dialplan. */
const policy = (): Partial<Policy> => ({
  require: [{ name: 'chan_sip', file: 'modules.conf', line: 3 }],
  load: [{ name: 'app_echo', file: 'modules.conf', line: 4 }],
  neverload: [{ name: 'app_system', file: 'modules.conf', line: 5 }],
  uses: [
    { module: 'chan_sip', type: 'module', name: 'cdr_custom', file: 'modules.conf', line: 9 },
    { module: 'chan_sip', type: 'module', name: 'pbx_config', file: 'modules.conf', line: 10 },
    { module: 'pbx_config', type: 'function', name: 'GLOBAL', file: 'modules.conf', line: 13 },
  ],
  extconfig: [{ config: 'extensions.conf', driver: 'sqlite3', database: 'asterisk', table: 'ast_config', file: 'extconfig.conf', line: 2 }],
  dialplan: [dialplanStep('test', 's', '1', 'Gosub', 5), dialplanStep('mymacro', 's', '1', 'Return', 8), dialplanStep('internal', '100', '1', 'Dial', 12)],
});

const started = async () => {
  const w = world(specs, policy());
  await w.loader.startup();
  expect(w.running().sort()).toEqual(['app_dial', 'app_echo', 'app_stack', 'cdr_custom', 'chan_sip', 'func_global', 'pbx_config', 'res_config_sqlite3', 'res_rtp']);
  return w;
};

describe('a cosmetic config reload (comments, blank lines, order)', () => {
  it('plans nothing and touches no module, even with a call up', async () => {
    const w = await started();
    w.host.contexts.get('chan_sip')!.addUser({ holder: 'SIP/alice-1', dispose: () => undefined });
    const before = snapshot(w.loader);
    const seen = w.events.length;
    const result = await w.loader.setPolicy(cosmetic(w.loader.policy(), 3));
    expect(result.plan).toEqual([]);
    expect(result.failures).toBeUndefined();
    expect([...changes(before, snapshot(w.loader)).values()]).toEqual([]);
    const touched = w.events.slice(seen).filter((e) => ['user_add', 'user_release', 'loading', 'unloading'].includes(e.event));
    expect(touched.map((e) => `${e.event} ${e.module}`)).toEqual([]);
  });

  it('plans nothing after the admin unloaded a load= module over REST (the files did not change)', async () => {
    const w = await started();
    await w.loader.unload('app_echo');
    const result = await w.loader.setPolicy(cosmetic(w.loader.policy(), 1));
    expect(result.plan).toEqual([]);
    expect(w.loader.get('app_echo').state).toBe('available');
  });

  it('keeps the policy it read, with the new lines', async () => {
    const w = await started();
    const next = cosmetic(w.loader.policy(), 2);
    await w.loader.setPolicy(next);
    expect(w.loader.policy().uses.map((u) => u.line).sort()).toEqual(next.uses.map((u) => u.line).sort());
  });
});

describe('a cosmetic reload after autoload moved past a declining provider', () => {
  it('keeps the next provider the admin holds, even once the declining one was loaded by hand (found by the property test)', async () => {
    const w = world(
      [
        { name: 'timer_a', provides: ['service=timer:200'], behaviour: 'decline' },
        { name: 'timer_b', provides: ['service=timer:100'] },
      ],
      { autoload: true },
    );
    await w.loader.startup();
    expect(w.loader.get('timer_b').users).toMatchObject([{ kind: 'admin', reason: 'autoload' }]);
    // timer_a is fixed and loaded by hand: autoload's choice of a best provider moves back to it.
    w.host.put({ name: 'timer_a', provides: ['service=timer:200'] });
    await w.loader.rescan(w.host.scan());
    await w.loader.load('timer_a');
    const result = await w.loader.setPolicy(cosmetic(w.loader.policy(), 3, 1));
    expect(result.plan).toEqual([]);
    expect(w.loader.get('timer_b').users).toMatchObject([{ kind: 'admin', reason: 'autoload' }]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});

describe('a config reload that changes something', () => {
  it('lists new dialplan steps as add_user steps', async () => {
    const w = await started();
    const p = w.loader.policy();
    const result = await w.loader.setPolicy({ ...p, dialplan: [...p.dialplan, dialplanStep('internal', '600', '1', 'Echo', 14), dialplanStep('internal', '101', '1', 'Dial', 13)] });
    expect(result.plan).toHaveLength(2);
    expect(result.plan).toEqual(
      expect.arrayContaining([
        { module: 'app_dial', action: 'add_user', user: expect.objectContaining({ kind: 'dialplan', holder: 'dialplan:internal,101,1' }) },
        { module: 'app_echo', action: 'add_user', user: expect.objectContaining({ kind: 'dialplan', holder: 'dialplan:internal,600,1' }) },
      ]),
    );
    expect(w.loader.get('app_echo').users.map((u) => u.kind).sort()).toEqual(['admin', 'dialplan']);
  });

  it('lists a new [uses] line as an add_user step after the loads it needs', async () => {
    const w = world(specs, { load: [{ name: 'chan_sip', file: 'modules.conf', line: 3 }] });
    await w.loader.startup();
    const result = await w.loader.setPolicy({
      ...w.loader.policy(),
      uses: [{ module: 'chan_sip', type: 'module', name: 'cdr_custom', file: 'modules.conf', line: 9 }],
    });
    expect(result.plan).toEqual([
      { module: 'cdr_custom', action: 'load' },
      { module: 'cdr_custom', action: 'add_user', user: expect.objectContaining({ kind: 'config', holder: expect.stringContaining('modules.conf') }) },
    ]);
  });

  it('lists a removed dialplan step as a release_user step', async () => {
    const w = await started();
    const p = w.loader.policy();
    const result = await w.loader.setPolicy({ ...p, dialplan: p.dialplan.filter((s) => s.app !== 'Dial') });
    expect(result.plan).toEqual([
      { module: 'app_dial', action: 'release_user', user: expect.objectContaining({ kind: 'dialplan', holder: 'dialplan:internal,100,1' }) },
      { module: 'app_dial', action: 'cascade_unload', direction: 'dependencies' },
    ]);
  });

  it('lifts a neverload that was removed from the file', async () => {
    const w = await started();
    expect((await rejection(w.loader.load('app_system'))).code).toBe('neverload');
    await w.loader.setPolicy({ ...w.loader.policy(), neverload: [] });
    expect(w.loader.policy().neverload).toEqual([]);
    const result = await w.loader.load('app_system');
    expect(result.state).toBe('running');
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('lifts a ban as a dependency too', async () => {
    const w = world([{ name: 'app_x', uses: ['res_y'] }, { name: 'res_y' }], { neverload: [{ name: 'res_y', file: 'modules.conf', line: 2 }] });
    await w.loader.startup();
    expect((await rejection(w.loader.load('app_x'))).code).toBe('neverload');
    await w.loader.setPolicy({ ...w.loader.policy(), neverload: [] });
    await w.loader.load('app_x');
    expect(w.running().sort()).toEqual(['app_x', 'res_y']);
  });

  it('firm-unloads a module a new ban covers, listing the admin release in the plan', async () => {
    const w = await started();
    const p = w.loader.policy();
    const result = await w.loader.setPolicy({ ...p, neverload: [...p.neverload, { name: 'app_echo', file: 'modules.conf', line: 6 }] });
    expect(result.plan).toContainEqual({ module: 'app_echo', action: 'release_user', user: expect.objectContaining({ kind: 'admin' }) });
    expect(w.loader.get('app_echo').state).toBe('available');
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});

describe('config reload (setPolicy)', () => {
  it('releases admin references the new policy drops, loads new ones, and applies bans added and lifted', async () => {
    const w = world(pbxSpecs, { load: entries('modules.conf', 'chan_sip', 'app_dial'), neverload: entries('modules.conf', 'func_shell') });
    await w.loader.startup();
    await w.loader.load('cdr_custom');
    await w.loader.setPolicy({
      ...w.loader.policy(),
      load: entries('modules.conf', 'app_dial', 'app_stack'),
      neverload: entries('modules.conf', 'cdr_custom'),
    });
    expect(w.running().sort()).toEqual(['app_dial', 'app_stack']);
    expect(w.loader.policy().neverload.map((e) => e.name)).toEqual(['cdr_custom']);
    expect(checkInvariants(w.loader)).toEqual([]);
    // The lifted ban on func_shell holds no more (SPEC 6.15).
    await w.loader.load('func_shell');
    expect(w.loader.get('func_shell').state).toBe('running');
  });
});

describe('config reload of admin-declared dependencies', () => {
  it('binds a new [uses] line of a running module at once and releases a dropped one', async () => {
    const w = world(pbxSpecs, { load: entries('modules.conf', 'chan_sip') });
    await w.loader.startup();
    const uses = [{ module: 'chan_sip', type: 'module', name: 'cdr_custom', file: 'modules.conf', line: 12 }];
    await w.loader.setPolicy({ ...w.loader.policy(), uses });
    expect(w.loader.get('cdr_custom').users).toMatchObject([{ kind: 'config', holder: 'modules.conf:12', owner: 'chan_sip' }]);
    await w.loader.setPolicy({ ...w.loader.policy(), uses: [] });
    expect(w.loader.get('cdr_custom').state).toBe('available');
    expect(w.loader.get('chan_sip').state).toBe('running');
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('follows the dialplan: new steps hold their application, removed steps let it go', async () => {
    const w = world(pbxSpecs, { load: entries('modules.conf', 'pbx_config'), dialplan: [dialplanStep('test', 's', '1', 'Gosub', 2)] });
    await w.loader.startup();
    await w.loader.setPolicy({ ...w.loader.policy(), dialplan: [dialplanStep('test', 's', '1', 'Dial', 2)] });
    expect(w.loader.get('app_stack').state).toBe('available');
    expect(w.loader.get('app_dial').users).toMatchObject([{ kind: 'dialplan', holder: 'dialplan:test,s,1' }]);
  });

  it('refuses a new dependency that would close a cycle through running modules, keeping everything running', async () => {
    const w = world([{ name: 'a', uses: ['b'] }, { name: 'b' }], { load: entries('modules.conf', 'a') });
    await w.loader.startup();
    const result = await w.loader.setPolicy({
      ...w.loader.policy(),
      uses: [{ module: 'b', type: 'module', name: 'a', file: 'modules.conf', line: 3 }],
    });
    expect(result.failures).toMatchObject([{ module: 'b', code: 'dependency_cycle' }]);
    expect(w.running()).toEqual(['a', 'b']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});
