import { describe, expect, it } from 'vitest';
import { isLoaderError } from '../../../src/core/errors.js';
import { checkInvariants } from '../../../src/core/invariants.js';
import { pbxSpecs } from '../support/pbx-specs.js';
import { dialplanStep, entries, world } from '../support/world.js';

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

describe('startup refused by a require', () => {
  it('still says which policy lines name no module (in the error, for the service to log)', async () => {
    const w = world(pbxSpecs, { require: entries('modules.conf', 'chan_nope'), load: [{ name: 'app_nope', file: 'modules.conf', line: 7 }] });
    const err = await w.loader.startup().catch((e: unknown) => e);
    expect(isLoaderError(err) && err.details.warnings).toEqual([
      { file: 'modules.conf', line: 1, message: 'require=chan_nope: no module named chan_nope' },
      { file: 'modules.conf', line: 7, message: 'load=app_nope: no module named app_nope' },
    ]);
  });
});
