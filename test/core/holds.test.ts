/**
 * SPEC 6.9 and the lifecycle issue's item 1: a hold a module takes with `ctx.use` on something
 * it only lists in `[canuse]` is weak. It never keeps its provider running on its own, is no
 * chain in `why`, and goes (after the holder's `onCanuseGone`) when nothing else needs the
 * provider, which is how a loop through an optional API is broken.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/core/invariants.js';
import { world } from './support/world.js';

/**
 * The loop: mod_a uses module mod_b; mod_b lists function=FA (provided by mod_a) in
 * [canuse] and takes it with ctx.use when mod_a loads (onCanuse), as docs/writing-modules.md
 * recommends for an optional API.
 */
const loop = () =>
  world([
    { name: 'mod_a', uses: ['mod_b'], provides: ['function=FA'] },
    { name: 'mod_b', canuse: ['function=FA'], useOnCanuse: ['function=FA'] },
  ]);

/** A provider the admin runs, and a module with its own root that takes it as an optional API at load. */
const optional = () =>
  world([
    { name: 'func_p', provides: ['function=FN'] },
    { name: 'cdr', canuse: ['function=FN'], useInLoad: ['function=FN'] },
    { name: 'strict', useInLoad: ['function=FN'] },
  ]);

const stops = (plan: Array<{ module: string; action: string }>) =>
  plan.filter((s) => s.action === 'unload' || s.action === 'cascade_unload').map((s) => s.module);

describe('a hold taken with ctx.use on a [canuse] API', () => {
  it('is a weak module user, and why() gives no chain through it', async () => {
    const w = loop();
    await w.loader.load('mod_a');
    expect(w.host.calls).toContain('use mod_b function=FA');
    const held = w.loader.get('mod_a').users;
    expect(held).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'admin' }),
        expect.objectContaining({ kind: 'module', holder: 'mod_b', owner: 'mod_b', weak: true }),
      ]),
    );
    expect(held).toHaveLength(2);
    expect(w.loader.why('mod_a').map((c) => `${c.root.kind} ${c.path.join('>')}`)).toEqual(['admin mod_a']);
    expect(w.loader.why('mod_b').map((c) => `${c.root.kind} ${c.path.join('>')}`)).toEqual(['admin mod_a>mod_b']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('is weak when taken in load() too, and a use of something undeclared stays strong', async () => {
    const w = optional();
    await w.loader.load('func_p');
    await w.loader.load('cdr');
    await w.loader.load('strict');
    const users = w.loader.get('func_p').users;
    expect(users.find((u) => u.holder === 'cdr')).toMatchObject({ kind: 'module', owner: 'cdr', weak: true });
    expect(users.find((u) => u.holder === 'strict')).toMatchObject({ kind: 'module', owner: 'strict' });
    expect(users.find((u) => u.holder === 'strict')?.weak).toBeFalsy();
    const chains = w.loader.why('func_p').map((c) => `${c.root.kind} ${c.path.join('>')}`);
    expect(chains).toContain('admin strict>func_p');
    expect(chains).not.toContain('admin cdr>func_p');
  });
});

describe('a loop broken by canuse (the proposal: "broken by use of canuse in at least one link")', () => {
  it('stops whole when its root is soft-unloaded: the weak holder is told, loses the hold, then both stop', async () => {
    const w = loop();
    await w.loader.load('mod_a');
    const result = await w.loader.unload('mod_a', { cause: 'req-1' });
    expect(w.running()).toEqual([]);
    expect(result.state).toBe('available');
    expect(w.host.calls).toContain('canuse_gone mod_b mod_a');
    // The weak hold is released in the plan (and streamed) before mod_a stops; mod_b then
    // stops because its last user went with mod_a.
    const weakRelease = result.plan.findIndex((s) => s.action === 'release_user' && s.module === 'mod_a' && s.user?.holder === 'mod_b');
    expect(weakRelease).toBeGreaterThanOrEqual(0);
    expect(weakRelease).toBeLessThan(result.plan.findIndex((s) => s.module === 'mod_a' && (s.action === 'unload' || s.action === 'cascade_unload')));
    expect(result.plan).toContainEqual({ module: 'mod_b', action: 'cascade_unload', direction: 'dependencies' });
    expect(stops(result.plan)).toEqual(['mod_a', 'mod_b']);
    const released = w.events.filter((e) => e.op === result.op && e.event === 'user_release' && e.user.holder === 'mod_b' && e.module === 'mod_a');
    expect(released).toHaveLength(1);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('tells the weak holder before it loses the hold, and the dry run gives the same plan', async () => {
    const w = loop();
    await w.loader.load('mod_a');
    const dry = await w.loader.unload('mod_a', { dryRun: true });
    expect(w.host.calls).not.toContain('canuse_gone mod_b mod_a');
    const real = await w.loader.unload('mod_a');
    expect(real.plan).toEqual(dry.plan);
    const gone = w.host.calls.indexOf('canuse_gone mod_b mod_a');
    expect(gone).toBeGreaterThanOrEqual(0);
    expect(gone).toBeLessThan(w.host.calls.indexOf('unload mod_a'));
  });

  for (const target of ['mod_a', 'mod_b']) {
    it(`stops whole on a firm unload of ${target}, with a plan and nothing pending`, async () => {
      const w = loop();
      await w.loader.load('mod_a');
      const result = await w.loader.unload(target, { force: true });
      expect(result.plan).not.toEqual([]);
      expect(result.pending ?? []).toEqual([]);
      expect(result.state).toBe('available');
      expect(w.running()).toEqual([]);
      expect(checkInvariants(w.loader)).toEqual([]);
    });
  }
});

describe('a weak holder with a root of its own', () => {
  it('never keeps the provider running: a soft unload stops the provider, the holder is told and keeps running', async () => {
    const w = optional();
    await w.loader.load('func_p');
    await w.loader.load('cdr');
    const result = await w.loader.unload('func_p');
    expect(result.state).toBe('available');
    expect(result.plan).toContainEqual(expect.objectContaining({ module: 'func_p', action: 'release_user', user: expect.objectContaining({ kind: 'module', holder: 'cdr' }) }));
    expect(w.host.calls).toContain('canuse_gone cdr func_p');
    expect(w.running()).toEqual(['cdr']);
    expect(w.loader.users({ holder: 'cdr' })).toEqual([]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('is not firm-unloaded with the provider: it is told, loses the hold and keeps running', async () => {
    const w = optional();
    await w.loader.load('func_p');
    await w.loader.load('cdr');
    const result = await w.loader.unload('func_p', { force: true });
    expect(result.state).toBe('available');
    expect(result.plan.filter((s) => s.module === 'cdr')).toEqual([]);
    expect(w.host.calls).toContain('canuse_gone cdr func_p');
    expect(w.host.calls).not.toContain('unload cdr');
    expect(w.running()).toEqual(['cdr']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('keeps a strong holder as a reason to run: the provider stays for it', async () => {
    const w = optional();
    await w.loader.load('func_p');
    await w.loader.load('strict');
    const result = await w.loader.unload('func_p');
    expect(result.state).toBe('running');
    expect(result.users).toMatchObject([{ kind: 'module', holder: 'strict' }]);
    expect(w.host.calls).not.toContain('canuse_gone strict func_p');
  });
});
