/**
 * The sample PBX (modules/ and config/) through the real pieces: manifests generated from the
 * modules' MODULEINFO/DOCUMENTATION blocks, the directory scanned, the policy read from the
 * shipped config, the modules imported by the Node.js host and run by the loader.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/api.js';
import { readConfigDir } from '../../src/conf/config-dir.js';
import { Loader } from '../../src/core/loader.js';
import type { Policy } from '../../src/core/policy.js';
import type { LoaderEvent } from '../../src/core/types.js';
import { createNodeHost } from '../../src/host/node-host.js';
import { scanModuleDir } from '../../src/manifest/scan.js';
import { PROPOSAL_MANIFEST, withoutChecksum } from '../support/proposal.js';
import { sampleDirs, type SampleDirs } from '../support/sample-dirs.js';

type Originate = (args: { peer?: string }) => Promise<{ channel: string; user_id: string }>;
type Hangup = (args: { channel: string }) => Promise<unknown>;

let dirs: SampleDirs;
let dir: string;
let written: string[];
let generateErrors: unknown[];
let scan: ScanResult;
let scanProblems: unknown[];
let policy: Policy;

beforeAll(async () => {
  // A copy, so the test neither needs nor touches the repo's generated manifests.
  dirs = await sampleDirs();
  dir = dirs.modules;
  written = dirs.generated.written;
  generateErrors = dirs.generated.errors;
  ({ scan, problems: scanProblems } = await scanModuleDir(dir));
  policy = (await readConfigDir(dirs.config)).policy;
});
afterAll(async () => {
  await dirs.remove();
});

/** A loader over the sample set and the shipped config, with every event recorded. */
function pbx(overrides: Partial<Policy> = {}) {
  const host = createNodeHost({ modulesDir: dir, configDir: dirs.config, logger: pino({ level: 'silent' }) });
  const loader = new Loader({ host, scan, policy: { ...policy, ...overrides } });
  const events: LoaderEvent[] = [];
  loader.subscribe((event) => events.push(event));
  const running = () => loader.list({ state: 'running' }).map((module) => module.name);
  const manager = <T>(action: string) => {
    const impl = loader.provider<T>('manager', action);
    if (impl === undefined) throw new Error(`nothing provides manager=${action}`);
    return impl;
  };
  return { loader, events, running, manager };
}

describe('the sample module set', () => {
  it('generates a manifest for each of its 24 modules, with no errors, from .js, .mjs and .cjs sources', () => {
    expect(generateErrors).toEqual([]);
    expect(scanProblems).toEqual([]);
    expect(written).toHaveLength(24);
    expect(existsSync(join(dir, 'func_uri.cjs')) && existsSync(join(dir, 'codec_ulaw.mjs'))).toBe(true);
    expect(scan.manifests.map((manifest) => manifest.name)).toEqual(expect.arrayContaining(['func_uri', 'codec_ulaw']));
  });

  it("gives func_periodic_hook exactly the proposal's example manifest, apart from the checksum", async () => {
    const text = await readFile(join(dir, 'func_periodic_hook.manifest'), 'utf8');
    expect(text).toMatch(/^checksum=[0-9a-f]{32}$/m);
    expect(withoutChecksum(text)).toBe(withoutChecksum(PROPOSAL_MANIFEST));
  });

  it('registers, once running, exactly what each manifest provides', async () => {
    const { loader } = pbx({ autoload: true });
    await loader.startup();
    const running = loader.list({ state: 'running' });
    expect(running.length).toBeGreaterThanOrEqual(20);
    for (const { name } of running) {
      const detail = loader.get(name);
      const declared = detail.manifest.provides.map((ref) => `${ref.type}=${ref.name}:${ref.priority}`).sort();
      const registered = detail.provides.filter((ref) => ref.registered).map((ref) => `${ref.type}=${ref.name}:${ref.priority}`).sort();
      expect({ name, registered }).toEqual({ name, registered: declared });
    }
    await loader.shutdown();
  });

  it('provides everything the shipped config names, except the one application left unresolved on purpose', () => {
    const provided = new Set(scan.manifests.flatMap((manifest) => [`module=${manifest.name}`, ...manifest.provides.map((ref) => `${ref.type}=${ref.name}`)]));
    const named = [
      ...[...policy.require, ...policy.load, ...policy.neverload].map((entry) => `module=${entry.name}`),
      ...policy.uses.flatMap((use) => [`module=${use.module}`, `${use.type}=${use.name}`]),
      ...policy.dialplan.map((step) => `application=${step.app}`),
      ...policy.extconfig.map((entry) => `realtime=${entry.driver}`),
    ];
    expect(named.filter((item) => !provided.has(item))).toEqual(['application=VoiceMail']);
  });
});

describe('the sample PBX under the shipped config', () => {
  it('starts: chan_sip and what it needs run; the banned modules do not; VoiceMail is reported, not fatal', async () => {
    const { loader, events, running } = pbx();
    const result = await loader.startup();
    expect(result.failures).toBeUndefined();
    expect(running().sort()).toEqual([
      'app_chanspy', // dialplan: ChanSpy
      'app_dial', // [uses] pbx_config=app_dial, and dialplan: Dial
      'app_echo', // dialplan: Echo
      'app_playback', // dialplan: Playback
      'app_stack', // [uses] application=Gosub, and dialplan: Gosub, Return
      'cdr_custom', // [uses] chan_sip=cdr_custom
      'chan_sip', // require
      'codec_ulaw', // chan_sip's manifest: codec=ulaw
      'func_channel', // [uses] function=CHANNEL
      'func_global', // [uses] function=GLOBAL
      'pbx_config', // [uses] chan_sip=pbx_config
      'res_config_sqlite3', // extconfig.conf: extensions.conf => sqlite3
      'res_musiconhold', // dialplan: MusicOnHold
      'res_rtp_asterisk', // chan_sip's manifest and [uses]
      'res_timing_timerfd', // chan_sip's manifest: the best service=timer, and [uses]
    ]);
    const trail = events.map((event) => `${event.event} ${event.module ?? ''}`);
    expect(trail).toContain('neverload_refused app_system');
    expect(events).toContainEqual(expect.objectContaining({ event: 'dialplan_unresolved', app: 'VoiceMail', holder: 'dialplan:internal,100,2' }));
    expect(events).toContainEqual(expect.objectContaining({ event: 'canuse', module: 'cdr_custom', used: 'func_channel' }));
    expect(loader.get('app_stack').users.map((user) => user.holder)).toEqual(
      expect.arrayContaining(['dialplan:test,s,1', 'dialplan:mymacro,s,2']),
    );
    await loader.shutdown();
    expect(running()).toEqual([]);
  });

  it('keeps chan_sip running for a call after the admin lets go, and stops it all when the call hangs up', async () => {
    const { loader, running, manager } = pbx();
    await loader.startup();
    const call = await manager<Originate>('Originate')({ peer: 'alice' });
    expect(call.channel).toMatch(/^SIP\/alice-[0-9a-f]{8}$/);
    expect(loader.users({ kind: 'channel' })).toEqual([expect.objectContaining({ id: call.user_id, holder: call.channel, module: 'chan_sip' })]);

    const unload = await loader.unload('chan_sip');
    expect(unload.state).toBe('running');
    expect(unload.users).toEqual([expect.objectContaining({ kind: 'channel', holder: call.channel })]);

    await manager<Hangup>('Hangup')({ channel: call.channel });
    expect(running()).toEqual([]);
  });

  it('hangs calls up on a firm unload of chan_sip', async () => {
    const { loader, running } = pbx();
    await loader.startup();
    const sip = loader.provider<{ originate: Originate; channels(): string[] }>('channel_tech', 'SIP');
    await sip!.originate({ peer: 'bob' });
    await sip!.originate({});
    expect(sip!.channels()).toHaveLength(2);
    const result = await loader.unload('chan_sip', { force: true });
    expect(result.state).not.toBe('running');
    expect(result.pending ?? []).toEqual([]);
    expect(sip!.channels()).toEqual([]);
    expect(running()).not.toContain('chan_sip');
  });

  it('tells chan_sip when res_http_websocket loads (canuse); chan_sip holds it weakly, and its lib outlives it (blockUnload)', async () => {
    const { loader, events } = pbx();
    await loader.startup();
    await loader.load('res_http_websocket');
    expect(events).toContainEqual(expect.objectContaining({ event: 'canuse', module: 'chan_sip', used: 'res_http_websocket' }));
    expect(loader.get('res_http_websocket').users).toContainEqual(expect.objectContaining({ kind: 'module', owner: 'chan_sip', weak: true }));
    // A weak hold makes no dependent: a firm unload of res_http_websocket would not take chan_sip down.
    expect(loader.get('res_http_websocket').dependents).not.toContain('chan_sip');

    // chan_sip gives its websocket protocol back when it stops, so it can start again.
    await loader.unload('chan_sip', { force: true });
    expect(loader.get('res_http_websocket').state).toBe('running');
    await loader.load('chan_sip');
    expect(loader.provider<{ protocols(): string[] }>('service', 'websocket')!.protocols()).toEqual(['sip']);

    // The admin lets go: chan_sip's weak hold keeps nothing running; it is told, then it goes.
    const soft = await loader.unload('res_http_websocket');
    expect(soft.plan.map((s) => s.action)).toEqual(['release_user', 'release_user', 'unload']);
    const websocket = loader.get('res_http_websocket');
    expect(websocket).toMatchObject({ state: 'stopped', blocked: true, lib_loaded: true, users: [] });
    expect(events).toContainEqual(expect.objectContaining({ event: 'block_unload', module: 'res_http_websocket' }));
    expect(loader.get('chan_sip').state).toBe('running');
    expect(loader.provider('service', 'websocket')).toBeUndefined();
  });

  it('refuses to start when modules.conf requires a banned module (require=app_system with neverload=app_system)', async () => {
    const { loader, running } = pbx({ require: [...policy.require, { name: 'app_system', file: 'modules.conf', line: 99 }] });
    await expect(loader.startup()).rejects.toMatchObject({ code: 'neverload', details: { module: 'app_system' } });
    expect(running()).not.toContain('app_system');
  });

  it('with autoload=yes loads every module but the banned ones, and of the timers only the best (timerfd, 200)', async () => {
    const { loader, running } = pbx({ autoload: true, require: [], load: [] });
    await loader.startup();
    const up = running();
    expect(up).toContain('res_timing_timerfd');
    expect(up).not.toContain('res_timing_dahdi');
    expect(up).not.toContain('res_timing_pthread');
    expect(up).not.toContain('app_system');
    expect(up).not.toContain('func_shell');
    expect(up).toEqual(expect.arrayContaining(['chan_sip', 'pbx_config', 'func_periodic_hook', 'res_http_websocket']));
    await loader.shutdown();
  });

  it('takes the dependents of a firm-unloaded dependency down first (cascade up), then what only they needed', async () => {
    const { loader, events, running } = pbx();
    await loader.startup();
    const result = await loader.unload('res_rtp_asterisk', { force: true });
    const stops = result.plan.filter((step) => step.action === 'unload' || step.action === 'cascade_unload');
    expect(stops[0]).toMatchObject({ module: 'chan_sip', action: 'cascade_unload', direction: 'dependents' });
    const at = (name: string) => stops.findIndex((step) => step.module === name);
    expect(at('chan_sip')).toBeLessThan(at('res_rtp_asterisk'));
    expect(stops.find((step) => step.module === 'res_rtp_asterisk')).toMatchObject({ action: 'unload' });
    expect(events).toContainEqual(expect.objectContaining({ event: 'cascade_unload', module: 'chan_sip', direction: 'dependents', cause: 'res_rtp_asterisk' }));
    // Everything was there only for chan_sip (the required module), so nothing is left running.
    expect(running()).toEqual([]);
  });

  it('refuses the banned modules, even on request', async () => {
    const { loader } = pbx();
    await expect(loader.load('app_system')).rejects.toMatchObject({ code: 'neverload' });
    await expect(loader.load('func_shell')).rejects.toMatchObject({ code: 'neverload' });
  });

  it('declines res_timing_dahdi without DAHDI hardware', async () => {
    expect(existsSync('/dev/dahdi/timer')).toBe(false);
    const { loader } = pbx();
    await expect(loader.load('res_timing_dahdi')).rejects.toMatchObject({ code: 'load_failed' });
    expect(loader.get('res_timing_dahdi').state).toBe('declined');
  });

  it("loads func_periodic_hook with its four dependencies, the CommonJS func_uri among them, and runs a hook", async () => {
    const { loader, running } = pbx();
    const result = await loader.load('func_periodic_hook');
    expect(result.plan.filter((step) => step.action === 'load').map((step) => step.module).sort()).toEqual([
      'app_chanspy',
      'func_cut',
      'func_groupcount',
      'func_periodic_hook',
      'func_uri',
    ]);
    const hook = loader.provider<{ read(channel: string, args: string): string }>('function', 'PERIODIC_HOOK');
    expect(hook!.read('SIP/alice-00000001', 'hooks,beep,180')).toBe('1');
    const uri = loader.provider<{ read(channel: string, data: string): string }>('function', 'URIENCODE');
    expect(uri!.read('', 'a b&c')).toBe('a%20b%26c');
    await loader.unload('func_periodic_hook');
    expect(running()).toEqual([]);
  });

  it("reloads pbx_config's dialplan on request", async () => {
    const { loader, events, manager } = pbx();
    await loader.startup();
    await loader.reload('pbx_config');
    expect(events).toContainEqual(expect.objectContaining({ event: 'reload', module: 'pbx_config', result: 'success' }));
    const plan = await manager<(args: { context?: string }) => Promise<{ contexts: Array<{ name: string; steps: unknown[] }> }>>('ShowDialPlan')({ context: 'test' });
    expect(plan.contexts).toEqual([{ name: 'test', steps: [{ exten: 's', priority: '1', app: 'Gosub(mymacro,s,1(test))' }] }]);
  });
});
