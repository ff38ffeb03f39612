/**
 * SPEC 6.16, the faults that end the process, each in a real `modloader serve` of its own:
 * a synchronous runaway (a busy loop at a module's top level or in `load()`, a 20 s
 * synchronous `load()`) is caught by the watchdog once it has blocked for the load timeout and
 * the process exits with status 70 naming the module (Node.js cannot stop running JavaScript
 * safely); blocked in native code, it is killed. It never hangs. A fault no module can be charged with ends in the graceful shutdown
 * (reverse-order unloads) with status 1.
 */
import { describe, expect, it, type TestContext } from 'vitest';
import { openStream } from '../../http/support/ws-client.js';
import { type FaultService, moduleSource, startFaultService } from './support/fault-service.js';

const LOAD_TIMEOUT_MS = 1_500;

/** A service with `modules` beside a healthy one, removed when the test (of several running at once) ends. */
async function start(test: TestContext, modules: Record<string, string>, load: string[] = []): Promise<FaultService> {
  const service = await startFaultService({ modules: { 'healthy.mjs': moduleSource('export function load() {}'), ...modules }, load: ['healthy', ...load], loadTimeoutMs: LOAD_TIMEOUT_MS });
  test.onTestFinished(() => service.remove());
  return service;
}

/** Asks for a load that never gets an answer: the process ends under it. */
async function loadUnanswered(service: FaultService, name: string): Promise<void> {
  await expect(fetch(`${service.url}/modules/${name}/load`, { method: 'POST' })).rejects.toThrow();
}

describe.concurrent('a synchronous runaway', () => {
  it('at the top level of a module: the process exits 70 naming the module', async (test) => {
    const service = await start(test, { 'runaway_top.mjs': moduleSource('for (;;) {}\nexport function load() {}') });
    await loadUnanswered(service, 'runaway_top');
    expect(await service.exited).toEqual({ code: 70, signal: null });
    expect(service.stderr()).toMatch(/runaway: .* in module runaway_top for at least \d+ ms, longer than the load timeout \(1500 ms\)/);
    expect(service.logs()).toContainEqual(expect.objectContaining({ level: 60, module: 'runaway_top', source: 'runaway' }));
  });

  it('in load() of a CommonJS module: the process exits 70 naming the module', async (test) => {
    const service = await start(test, { 'runaway_load.cjs': moduleSource('exports.load = function load() { for (;;) {} };') });
    await loadUnanswered(service, 'runaway_load');
    expect(await service.exited).toEqual({ code: 70, signal: null });
    expect(service.stderr()).toMatch(/runaway: .* in module runaway_load /);
  });

  it('a 20 s synchronous load() is never reported running: the process exits 70 once it has blocked for the load timeout', async (test) => {
    const service = await start(test, { 'slow_load.mjs': moduleSource('export function load() { const end = Date.now() + 20000; while (Date.now() < end) {} }') });
    const stream = await openStream(service.url);
    await loadUnanswered(service, 'slow_load');
    expect(await service.exited).toEqual({ code: 70, signal: null });
    expect(service.stderr()).toMatch(/runaway: .* in module slow_load /);
    await stream.closed;
    expect(stream.messages).toContainEqual(expect.objectContaining({ event: 'loading', module: 'slow_load' }));
    expect(stream.messages.filter((m) => m.module === 'slow_load' && m.event === 'load')).toEqual([]);
  });

  it('in a timer of a running module: the process exits 70 naming the module', async (test) => {
    const service = await start(test, { 'runaway_timer.mjs': moduleSource('export function load() { setTimeout(() => { for (;;) {} }, 50); }') });
    expect((await fetch(`${service.url}/modules/runaway_timer/load`, { method: 'POST' })).status).toBe(200);
    expect(await service.exited).toEqual({ code: 70, signal: null });
    expect(service.stderr()).toMatch(/runaway: .* in module runaway_timer /);
  });
});

describe.concurrent('a module blocked in native code', () => {
  it('cannot take the watchdog\'s interrupt: the process is killed, naming the module whose hook was entered', async (test) => {
    const service = await start(test, { 'blocked_native.mjs': moduleSource(`import { execSync } from 'node:child_process';\nexport function load() { execSync('sleep 8'); }`) });
    await loadUnanswered(service, 'blocked_native');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(service.stderr()).toMatch(/runaway: the main thread has been blocked for at least \d+ ms in a hook of module blocked_native, .* did not respond; killing the process/);
  });
});

describe.concurrent('a fault no module can be charged with', () => {
  it('is logged and ends in the graceful shutdown: every module unloaded in reverse order, exit 1', async (test) => {
    // The abort listener runs when the loader stops the module, in the loader's context, and
    // throws a value with no stack: nothing says whose it is.
    const service = await start(test, { 'unaccountable.mjs': moduleSource(`export function load(ctx) { ctx.signal.addEventListener('abort', () => { throw 'no stack, no context'; }); }`) }, ['unaccountable']);
    const unload = await fetch(`${service.url}/modules/unaccountable/unload`, { method: 'POST' });
    expect(unload.status).toBe(200);
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const logs = service.logs();
    expect(logs).toContainEqual(expect.objectContaining({ level: 60, err: 'no stack, no context' }));
    // The graceful shutdown logs one summary line at info (the per-module lines are at debug).
    const summary = logs.map((l) => String(l.msg)).find((msg) => msg.startsWith('shutdown done:'));
    expect(summary).toMatch(/^shutdown done: [1-9]\d* unloaded in [\d.]+ s$/);
    expect(service.stderr()).toMatch(/shut down after a fault no module can be charged with/);
  });
});
