/**
 * SPEC 6.16 in a real `modloader serve`: a throw in a timer (global or ctx), an unhandled
 * rejection, or `process.exit` in a hook or a timer is charged to the module whose code did it
 * (`module_fault` on the event stream, the module `failed` and firm-unloaded with its
 * dependents) while the service keeps serving and every other module keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream, type StreamClient } from '../../http/support/ws-client.js';
import { type FaultService, moduleSource, startFaultService } from './support/fault-service.js';

const MODULES = {
  'healthy.mjs': moduleSource(`export function load(ctx) { ctx.register('application', 'Healthy', () => 'ok'); ctx.setInterval(() => {}, 50); }`),
  'fault_timer.mjs': moduleSource(`export function load() { setTimeout(() => { throw new Error('boom in setTimeout'); }, 10); }`),
  'fault_ctx_timer.mjs': moduleSource(`export function load(ctx) { ctx.setTimeout(() => { throw new Error('boom in ctx.setTimeout'); }, 10); }`),
  'fault_dependent.mjs': moduleSource(`export function load() {}`, ['fault_ctx_timer']),
  'fault_rejection.mjs': moduleSource(`export function load() { setTimeout(() => { Promise.reject(new Error('nobody handles this')); }, 10); }`),
  'fault_exit_hook.mjs': moduleSource(`export function load() { process.exit(3); }`),
  'fault_exit_timer.mjs': moduleSource(`export function load() { setTimeout(() => process.exit(4), 10); }`),
  // CommonJS, with the faulty timer started by the top-level code during the import.
  'fault_interval.cjs': moduleSource(`let n = 0;\nsetInterval(() => { n += 1; throw new Error('interval tick ' + n); }, 5);\nexports.load = () => {};`),
};

let service: FaultService;
let stream: StreamClient;

beforeAll(async () => {
  service = await startFaultService({ modules: MODULES, load: ['healthy'], loadTimeoutMs: 5_000 });
  stream = await openStream(service.url);
});
afterAll(async () => {
  await stream?.close();
  await service?.remove();
});

async function load(name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${service.url}/modules/${name}/load`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function moduleState(name: string): Promise<{ state: string; reason?: string }> {
  return (await (await fetch(`${service.url}/modules/${name}`)).json()) as { state: string; reason?: string };
}

/** The module_fault event of `name`, once the fault's firm unload has left it `failed`. */
async function faultOf(name: string): Promise<Record<string, unknown>> {
  const fault = await stream.waitFor((m) => m.event === 'module_fault' && m.module === name, `module_fault of ${name}`);
  await stream.waitFor((m) => m.op === fault.op && m.event === 'unload' && m.module === name && m.state === 'failed', `${name} failed`);
  return fault;
}

describe('a module fault in a running service', () => {
  it('charges a throw in a global setTimeout callback to its module', async () => {
    expect((await load('fault_timer')).status).toBe(200);
    expect(await faultOf('fault_timer')).toMatchObject({ source: 'exception', error: 'boom in setTimeout' });
    expect(await moduleState('fault_timer')).toMatchObject({ state: 'failed', reason: 'fault (exception): boom in setTimeout' });
  });

  it('charges a throw in a ctx.setTimeout callback to its module and firm-unloads its dependents too', async () => {
    expect((await load('fault_dependent')).status).toBe(200);
    expect(await faultOf('fault_ctx_timer')).toMatchObject({ source: 'exception', error: 'boom in ctx.setTimeout' });
    expect((await moduleState('fault_ctx_timer')).state).toBe('failed');
    expect((await moduleState('fault_dependent')).state).not.toBe('running');
  });

  it('charges an unhandled rejection to the module whose code made the promise', async () => {
    expect((await load('fault_rejection')).status).toBe(200);
    expect(await faultOf('fault_rejection')).toMatchObject({ source: 'rejection', error: 'nobody handles this' });
  });

  it('refuses process.exit() in a hook: the hook throws, the load fails, the module is charged', async () => {
    const { status, body } = await load('fault_exit_hook');
    expect(status).toBe(409);
    expect(body).toMatchObject({ code: 'load_failed' });
    expect(String(body.detail)).toMatch(/process\.exit\(3\) refused/);
    const fault = await stream.waitFor((m) => m.event === 'module_fault' && m.module === 'fault_exit_hook');
    expect(fault).toMatchObject({ source: 'exit', error: 'called process.exit(3)' });
    expect(await moduleState('fault_exit_hook')).toMatchObject({ state: 'failed', reason: 'fault (exit): called process.exit(3)' });
  });

  it('refuses process.exit() in a timer and charges the module', async () => {
    expect((await load('fault_exit_timer')).status).toBe(200);
    expect(await faultOf('fault_exit_timer')).toMatchObject({ source: 'exit', error: 'called process.exit(4)' });
  });

  it('charges a timer started by top-level code during the import, and stops the throwing interval', async () => {
    expect((await load('fault_interval')).status).toBe(200);
    expect(await faultOf('fault_interval')).toMatchObject({ source: 'exception', error: 'interval tick 1' });
    // Its interval is cleared with the first fault: counted in the log at the end.
  });

  it('keeps serving, keeps the other modules running, and shuts down gracefully afterwards', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect(await moduleState('healthy')).toMatchObject({ state: 'running' });
    const faults = stream.messages.filter((m) => m.event === 'module_fault');
    expect(faults.map((m) => m.module).sort()).toEqual(['fault_ctx_timer', 'fault_exit_hook', 'fault_exit_timer', 'fault_interval', 'fault_rejection', 'fault_timer']);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^modloader_operations_total\{kind="fault",result="ok"\} 6$/m);

    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    // The interval threw once: it was cleared when its fault was charged.
    expect(service.logs().filter((l) => l.module === 'fault_interval' && l.source === 'exception')).toHaveLength(1);
    expect(stream.messages.some((m) => m.event === 'unload' && m.module === 'healthy' && m.cause === 'shutdown')).toBe(true);
  });
});
