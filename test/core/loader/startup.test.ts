import { describe, expect, it } from 'vitest';
import { isLoaderError } from '../../../src/core/errors.js';
import { checkInvariants } from '../../../src/core/invariants.js';
import { dialplanStep, entries, world } from '../support/world.js';

const pbxSpecs = [
  { name: 'chan_sip', uses: ['res_rtp_asterisk', 'service=timer'], load_priority: 'channel_driver' as const },
  { name: 'res_rtp_asterisk' },
  { name: 'res_timing_timerfd', provides: ['service=timer:200'], load_priority: 'timing' as const },
  { name: 'res_timing_dahdi', provides: ['service=timer:100'], load_priority: 'timing' as const },
  { name: 'res_timing_pthread', provides: ['service=timer:50'], load_priority: 'timing' as const },
  { name: 'pbx_config', config: ['extensions.conf'] },
  { name: 'app_stack', provides: ['application=Gosub'] },
  { name: 'app_dial', provides: ['application=Dial'] },
  { name: 'app_system', provides: ['application=System'] },
  { name: 'func_shell', provides: ['function=SHELL'] },
  { name: 'res_config_sqlite3', provides: ['realtime=sqlite3'] },
  { name: 'cdr_custom' },
];


describe('startup', () => {
  it('autoload=no loads exactly require and load entries with their dependencies; neverload beats load', async () => {
    const w = world(pbxSpecs, {
      require: entries('modules.conf', 'chan_sip'),
      load: entries('modules.conf', 'app_system'),
      neverload: entries('modules.conf', 'app_system', 'func_shell'),
    });
    const result = await w.loader.startup({ cause: 'startup' });
    expect(w.running().sort()).toEqual(['chan_sip', 'res_rtp_asterisk', 'res_timing_timerfd']);
    expect(w.trail('neverload_refused')).toEqual(['neverload_refused app_system']);
    expect(w.loader.get('chan_sip').users).toMatchObject([{ kind: 'admin', reason: 'require' }]);
    expect(result.failures).toBeUndefined();
  });

  it('fails when a require cannot be met, naming the module', async () => {
    const w = world(pbxSpecs, {
      require: entries('modules.conf', 'app_system'),
      neverload: entries('modules.conf', 'app_system'),
    });
    const err = await w.loader.startup().catch((e: unknown) => e);
    expect(isLoaderError(err) && err.code).toBe('neverload');
    expect(isLoaderError(err) && err.details.module).toBe('app_system');
  });

  it('autoload loads everything but noload, neverload and the lower-priority service providers', async () => {
    const w = world(pbxSpecs, {
      autoload: true,
      noload: entries('modules.conf', 'cdr_custom'),
      neverload: entries('modules.conf', 'func_shell'),
    });
    await w.loader.startup();
    const running = w.running();
    expect(running).toContain('res_timing_timerfd');
    expect(running).not.toContain('res_timing_dahdi');
    expect(running).not.toContain('res_timing_pthread');
    expect(running).not.toContain('cdr_custom');
    expect(running).not.toContain('func_shell');
    expect(running).toContain('app_dial');
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('makes modules.conf [uses] lines config users that order and hold like manifest uses', async () => {
    const w = world(pbxSpecs, {
      load: entries('modules.conf', 'chan_sip'),
      uses: [{ module: 'chan_sip', type: 'module', name: 'cdr_custom', file: 'modules.conf', line: 12 }],
    });
    await w.loader.startup();
    expect(w.loader.get('cdr_custom').users).toMatchObject([
      { kind: 'config', holder: 'modules.conf:12', owner: 'chan_sip', origin: { file: 'modules.conf', line: 12 } },
    ]);
    await w.loader.unload('chan_sip');
    expect(w.running()).toEqual([]);
  });

  it('gives each dialplan step a dialplan user on the application provider, loaded before the dialplan owner', async () => {
    const w = world(pbxSpecs, {
      load: entries('modules.conf', 'pbx_config'),
      dialplan: [dialplanStep('test', 's', '1', 'Gosub', 2), dialplanStep('test', 's', '2', 'Dial', 3), dialplanStep('test', 's', '3', 'Nowhere', 4)],
    });
    const result = await w.loader.startup();
    const order = result.plan.filter((s) => s.action === 'load').map((s) => s.module);
    expect(order.indexOf('app_stack')).toBeLessThan(order.indexOf('pbx_config'));
    expect(w.loader.get('app_stack').users).toMatchObject([{ kind: 'dialplan', holder: 'dialplan:test,s,1', owner: 'pbx_config' }]);
    expect(w.events.find((e) => e.event === 'dialplan_unresolved')).toMatchObject({ module: 'pbx_config', app: 'Nowhere' });
    await w.loader.unload('app_stack', { force: true });
    expect(w.loader.get('pbx_config').state).toBe('available');
  });

  it('makes the dialplan owner depend on the realtime driver extconfig.conf names', async () => {
    const w = world(pbxSpecs, {
      load: entries('modules.conf', 'pbx_config'),
      extconfig: [{ config: 'extensions.conf', driver: 'sqlite3', database: 'asterisk', table: 'ast_config', file: 'extconfig.conf', line: 2 }],
    });
    await w.loader.startup();
    expect(w.loader.get('res_config_sqlite3').users).toMatchObject([{ kind: 'config', holder: 'extconfig.conf:2', owner: 'pbx_config' }]);
  });

  it('shutdown unloads everything in reverse load order', async () => {
    const w = world(pbxSpecs, { autoload: true });
    const started = await w.loader.startup();
    const ctx = w.host.contexts.get('chan_sip')!;
    ctx.addUser({ holder: 'SIP/x-1', dispose: () => undefined });
    const result = await w.loader.shutdown();
    const loadOrder = started.plan.filter((s) => s.action === 'load').map((s) => s.module);
    expect(result.plan.map((s) => s.module)).toEqual([...loadOrder].reverse());
    expect(w.running()).toEqual([]);
    expect(w.loader.users()).toEqual([]);
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

describe('why (6.12)', () => {
  it('gives every chain of users from a root down to the module', async () => {
    const w = world(pbxSpecs, {
      require: entries('modules.conf', 'chan_sip'),
    });
    await w.loader.startup();
    await w.loader.addUser('res_rtp_asterisk', { holder: 'ops' });
    const chains = w.loader.why('res_rtp_asterisk');
    expect(chains.map((c) => `${c.root.kind}:${c.root.holder} ${c.path.join('>')}`)).toEqual([
      'admin:admin chan_sip>res_rtp_asterisk',
      'external:ops res_rtp_asterisk',
    ]);
    expect(w.loader.why('app_dial')).toEqual([]);
  });
});

describe('events', () => {
  it('number events strictly increasing without gaps and carry the op and cause', async () => {
    const w = world(pbxSpecs, { autoload: true });
    await w.loader.startup({ cause: 'boot' });
    await w.loader.unload('chan_sip', { cause: 'req-7' });
    const seqs = w.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(w.loader.nextSeq).toBe(seqs.length + 1);
    expect(w.events.every((e) => typeof e.op === 'string' && !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(w.loader.opLog().map((o) => [o.kind, o.ok])).toEqual([
      ['startup', true],
      ['unload', true],
    ]);
  });
});
