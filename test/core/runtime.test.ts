/** SPEC 7: what a module's ctx guarantees, seen from a module's own hooks. */
import { describe, expect, it } from 'vitest';
import type { ModuleContext, UserHandle } from '../../src/core/types.js';
import { runHook } from '../../src/core/runtime.js';
import { world } from './support/world.js';

function ctxOf(w: ReturnType<typeof world>, name: string): ModuleContext {
  const ctx = w.host.contexts.get(name);
  if (!ctx) throw new Error(`${name} never loaded`);
  return ctx;
}

describe("a module's ctx", () => {
  it('aborts its signal when the module stops, and a signal first read after the stop comes aborted', async () => {
    const w = world([{ name: 'app_x' }]);
    await w.loader.load('app_x');
    const ctx = ctxOf(w, 'app_x');
    const signal = ctx.signal;
    expect(signal.aborted).toBe(false);
    await w.loader.unload('app_x');
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('module stopped');

    await w.loader.load('app_x');
    const second = ctxOf(w, 'app_x');
    await w.loader.unload('app_x');
    expect(second.signal.aborted).toBe(true);
  });

  it('clears its timers and intervals when the module stops, so none fires after', async () => {
    const w = world([{ name: 'app_x' }]);
    await w.loader.load('app_x');
    const ctx = ctxOf(w, 'app_x');
    let fired = 0;
    ctx.setTimeout(() => (fired += 1), 5);
    ctx.setInterval(() => (fired += 1), 5);
    await w.loader.unload('app_x');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(0);
    // A stopped ctx arms nothing.
    expect(ctx.setTimeout(() => (fired += 1), 1)).toBeUndefined();
    expect(ctx.setInterval(() => (fired += 1), 1)).toBeUndefined();
  });

  it('refuses to register, use or add users once its module has stopped', async () => {
    const w = world([{ name: 'app_x' }, { name: 'res_y', provides: ['service=y'] }]);
    await w.loader.load('app_x');
    await w.loader.load('res_y');
    const ctx = ctxOf(w, 'app_x');
    await w.loader.unload('app_x');
    expect(() => ctx.register('service', 'late', {})).toThrow(/app_x: ctx.register\(\) called after the module stopped/);
    expect(() => ctx.use('service', 'y')).toThrow(/after the module stopped/);
    expect(() => ctx.addUser({ holder: 'SIP/late' })).toThrow(/after the module stopped/);
    expect(w.loader.get('res_y').users.map((u) => u.kind)).toEqual(['admin']);
  });

  it('withdraws what a module registered when it stops', async () => {
    const w = world([{ name: 'res_y', provides: ['service=y'] }]);
    await w.loader.load('res_y');
    expect(w.loader.provider('service', 'y')).toEqual({ from: 'res_y' });
    await w.loader.unload('res_y');
    expect(w.loader.provider('service', 'y')).toBeUndefined();
    expect(w.trail('provider_register', 'provider_unregister')).toEqual(['provider_register res_y', 'provider_unregister res_y']);
  });

  it('makes a channel a user that keeps the module running until it hangs up', async () => {
    const w = world([{ name: 'chan_x' }]);
    await w.loader.load('chan_x');
    const handle: UserHandle = ctxOf(w, 'chan_x').addUser({ holder: 'X/alice-1' });
    await w.loader.unload('chan_x');
    expect(w.loader.get('chan_x')).toMatchObject({ state: 'running', use_count: 1 });
    await handle.release();
    await w.loader.idle();
    expect(w.loader.get('chan_x').state).toBe('available');
  });
});

describe('runHook', () => {
  it('settles a hook that answers synchronously without arming a timer, and never rejects', async () => {
    expect(await runHook(() => 'success', 10)).toEqual({ kind: 'value', value: 'success' });
    expect(await runHook(() => {
      throw new Error('boom');
    }, 10)).toMatchObject({ kind: 'throw' });
    expect(await runHook(() => Promise.reject(new Error('late')), 10)).toMatchObject({ kind: 'throw' });
    expect(await runHook(() => new Promise(() => {}), 10)).toEqual({ kind: 'timeout' });
  });
});
