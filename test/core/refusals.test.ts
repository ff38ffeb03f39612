/**
 * SPEC 10 and the lifecycle issue's item 6: every refusal is streamed, not only those at
 * startup: `dependency_cycle` (with the cycle) for a load, a hold or a dependency refused for a
 * cycle, and `neverload_refused` for one refused for a ban.
 */
import { describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import { world } from './support/world.js';

const cyclic = () =>
  world([
    { name: 'a', uses: ['b'] },
    { name: 'b', uses: ['application=C'] },
    { name: 'c', provides: ['application=C'], uses: ['a'] },
    { name: 'top', uses: ['a'] },
    { name: 'free' },
  ]);

const banned = () =>
  world([{ name: 'app_system' }, { name: 'app_user', uses: ['app_system'] }, { name: 'app_top', uses: ['app_user'] }], {
    neverload: [{ name: 'app_system', file: 'modules.conf', line: 7 }],
  });

describe('a refusal for a cycle', () => {
  it('is streamed as dependency_cycle with the cycle when a load is refused', async () => {
    const w = cyclic();
    const err = await rejection(w.loader.load('a', { cause: 'req-c' }));
    expect(err.code).toBe('dependency_cycle');
    const events = w.events.filter((e) => e.event === 'dependency_cycle');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ op: err.details.op, cause: 'req-c', cycle: err.details.cycle });
    expect(err.details.cycle).toEqual(['a', 'b', 'c', 'a']);
  });

  it('is streamed when a hold is refused', async () => {
    const w = cyclic();
    const err = await rejection(w.loader.addUser('b', { holder: 'ops' }));
    expect(err.code).toBe('dependency_cycle');
    expect(w.events.filter((e) => e.event === 'dependency_cycle')).toMatchObject([{ op: err.details.op, cycle: ['a', 'b', 'c', 'a'] }]);
  });

  it('is streamed when a dependency is refused', async () => {
    const w = cyclic();
    const err = await rejection(w.loader.load('top'));
    expect(err.code).toBe('dependency_cycle');
    expect(w.events.filter((e) => e.event === 'dependency_cycle')).toMatchObject([{ op: err.details.op, cycle: ['a', 'b', 'c', 'a'] }]);
  });

  it('is streamed when a config reload refuses a dependency that would close a cycle', async () => {
    const w = world([{ name: 'a', uses: ['b'] }, { name: 'b' }], { load: [{ name: 'a', file: 'modules.conf', line: 2 }] });
    await w.loader.startup();
    const result = await w.loader.setPolicy({ ...w.loader.policy(), uses: [{ module: 'b', type: 'module', name: 'a', file: 'modules.conf', line: 3 }] });
    expect(result.failures).toMatchObject([{ module: 'b', code: 'dependency_cycle' }]);
    const events = w.events.filter((e) => e.event === 'dependency_cycle');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ op: result.op });
    expect(events[0]?.event === 'dependency_cycle' && events[0].cycle).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('is streamed at startup too, and the rest still starts', async () => {
    const w = world(
      [
        { name: 'a', uses: ['b'] },
        { name: 'b', uses: ['a'] },
        { name: 'free' },
      ],
      { autoload: true },
    );
    await w.loader.startup();
    expect(w.running()).toEqual(['free']);
    expect(w.trail('dependency_cycle').length).toBeGreaterThan(0);
  });
});

describe('a refusal for a ban', () => {
  it('is streamed as neverload_refused when a load is refused', async () => {
    const w = banned();
    const err = await rejection(w.loader.load('app_system', { cause: 'req-n' }));
    expect(err.code).toBe('neverload');
    expect(w.events.filter((e) => e.event === 'neverload_refused')).toMatchObject([
      { module: 'app_system', op: err.details.op, cause: 'req-n', origin: { file: 'modules.conf', line: 7 } },
    ]);
  });

  it('is streamed when a hold is refused', async () => {
    const w = banned();
    const err = await rejection(w.loader.addUser('app_system', { holder: 'ops' }));
    expect(err.code).toBe('neverload');
    expect(w.events.filter((e) => e.event === 'neverload_refused')).toMatchObject([{ module: 'app_system', op: err.details.op }]);
  });

  it('is streamed when a dependency is refused, naming the banned module', async () => {
    const w = banned();
    const err = await rejection(w.loader.load('app_top'));
    expect(err.code).toBe('neverload');
    expect(w.events.filter((e) => e.event === 'neverload_refused')).toMatchObject([{ module: 'app_system', op: err.details.op }]);
  });

  it('is streamed when a config reload wants a banned module', async () => {
    const w = banned();
    await w.loader.startup();
    const result = await w.loader.setPolicy({ ...w.loader.policy(), load: [{ name: 'app_user', file: 'modules.conf', line: 9 }] });
    expect(result.failures).toMatchObject([{ module: 'app_user', code: 'neverload' }]);
    expect(w.events.filter((e) => e.event === 'neverload_refused')).toMatchObject([{ module: 'app_system', op: result.op }]);
  });
});
