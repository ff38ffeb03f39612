/**
 * SPEC 6.3 and the lifecycle issue's item 2: a failed load rolls back every module it started
 * and every user it added, including holds that modules already running took during the
 * operation (in their onCanuse hook). Every module outside the rolled-back set ends exactly as
 * it was: same users, same registrations, same state.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/core/invariants.js';
import { rejection } from './support/rejection.js';
import { changes, snapshot } from './support/snapshot.js';
import { world } from './support/world.js';

/**
 * The reproduction: cdr_c lists res_n in [canuse] and, when told res_n loaded, takes
 * function=FN from func_p (and res_n's own function=FR); app_f uses res_n and throws in load().
 */
const scenario = () =>
  world([
    { name: 'func_p', provides: ['function=FN'] },
    { name: 'cdr_c', canuse: ['res_n'], useOnCanuse: ['function=FN', 'function=FR'] },
    { name: 'res_n', provides: ['function=FR'] },
    { name: 'app_f', uses: ['res_n'], behaviour: 'throw' },
  ]);

describe('a failed load', () => {
  it('removes the hold a running module took in onCanuse during the operation, on a module outside it', async () => {
    const w = scenario();
    await w.loader.load('func_p');
    await w.loader.load('cdr_c');
    const before = snapshot(w.loader);
    const err = await rejection(w.loader.load('app_f'));
    expect(err.code).toBe('load_failed');
    expect(err.details).toMatchObject({ module: 'app_f', rolled_back: ['res_n'] });
    // cdr_c really did take the holds while res_n ran.
    expect(w.host.calls).toContain('canuse cdr_c res_n');
    expect(w.host.calls).toContain('use cdr_c function=FN');
    expect(w.loader.get('func_p').users).toMatchObject([{ kind: 'admin' }]);
    expect(w.loader.get('func_p').users).toHaveLength(1);
    expect(w.loader.users({ holder: 'cdr_c' })).toEqual([]);
    const changed = changes(before, snapshot(w.loader));
    changed.delete('app_f');
    changed.delete('res_n');
    expect([...changed.values()]).toEqual([]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('streams the release of every user it added', async () => {
    const w = scenario();
    await w.loader.load('func_p');
    await w.loader.load('cdr_c');
    const err = await rejection(w.loader.load('app_f'));
    const ofOp = w.events.filter((e) => e.op === err.details.op);
    const added = ofOp.filter((e) => e.event === 'user_add').map((e) => (e.event === 'user_add' ? e.user.id : ''));
    const released = new Set(ofOp.filter((e) => e.event === 'user_release').map((e) => (e.event === 'user_release' ? e.user.id : '')));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((id) => !released.has(id))).toEqual([]);
  });

  it('can be tried again and then keeps the holds cdr_c takes', async () => {
    const w = scenario();
    await w.loader.load('func_p');
    await w.loader.load('cdr_c');
    await rejection(w.loader.load('app_f'));
    w.host.put({ name: 'app_f', uses: ['res_n'] });
    await w.loader.rescan(w.host.scan());
    await w.loader.load('app_f');
    expect(w.loader.users({ holder: 'cdr_c' }).map((u) => u.module).sort()).toEqual(['func_p', 'res_n']);
    expect(checkInvariants(w.loader)).toEqual([]);
  });

  it('tells a running module that loses a weak hold in the rollback (onCanuseGone), as when its module stops', async () => {
    const w = world([
      { name: 'func_p', provides: ['function=FN'] },
      { name: 'cdr_c', canuse: ['res_n', 'function=FN'], useOnCanuse: ['function=FN'] },
      { name: 'res_n' },
      { name: 'app_f', uses: ['res_n'], behaviour: 'throw' },
    ]);
    await w.loader.load('func_p');
    await w.loader.load('cdr_c');
    await rejection(w.loader.load('app_f'));
    expect(w.host.calls).toContain('use cdr_c function=FN');
    expect(w.host.calls).toContain('canuse_gone cdr_c func_p');
    expect(w.loader.users({ holder: 'cdr_c' })).toEqual([]);
    expect(checkInvariants(w.loader)).toEqual([]);
  });
});
