/**
 * Load and holds (SPEC 6.2, 6.4): `load` makes the admin a user of a module, `addUser` an
 * external hold, both loading it and its dependencies first; `releaseUser` lets one go, and
 * whatever that leaves without a strong user stops.
 */
import type { Core, Op } from '../core.js';
import { LoaderError } from '../errors.js';
import { isOwnedKind, stepUser, userInfo } from '../model.js';
import { planLoad } from '../plan/plan-load.js';
import { loadAll } from '../run-load.js';
import { doomedModules, orderStops } from '../stop-order.js';
import { settle, stopRecords, stopSteps } from '../stop.js';
import type { OpResult } from '../types.js';
import { result } from './result.js';

/** The admin becomes a user of `name` (unless it is already), loading what it needs. */
export async function load(core: Core, op: Op, name: string, dryRun: boolean, reason = 'admin'): Promise<OpResult> {
  const entry = core.table.require(name);
  const addAdmin = !core.users.adminOf(entry);
  const addStep = { module: name, action: 'add_user' as const, user: { kind: 'admin' as const, holder: 'admin' } };
  if (dryRun) {
    for (const m of planLoad(core.table, [name], op.excluded).order) op.steps.push({ module: m, action: 'load' });
    if (addAdmin) op.steps.push(addStep);
    return result(op, entry, true);
  }
  await loadAll(core, op, [name]);
  if (!core.users.adminOf(entry)) {
    op.steps.push(addStep);
    core.users.add({ kind: 'admin', holder: 'admin', module: name, reason }, op);
  }
  await settle(core, op);
  return result(op, entry, false);
}

/** An external hold on `name` (SPEC 9 `POST /modules/{name}/users`), loading it if needed. */
export async function addUser(core: Core, op: Op, name: string, holder: string, cancellable: boolean, dryRun: boolean): Promise<OpResult> {
  const entry = core.table.require(name);
  if (dryRun) {
    for (const m of planLoad(core.table, [name], op.excluded).order) op.steps.push({ module: m, action: 'load' });
    op.steps.push({ module: name, action: 'add_user', user: { kind: 'external', holder } });
    return result(op, entry, true);
  }
  await loadAll(core, op, [name]);
  const user = core.users.add({ kind: 'external', holder, module: name, cancellable, reason: 'external hold' }, op);
  op.steps.push({ module: name, action: 'add_user', user: stepUser(user) });
  await settle(core, op);
  return { ...result(op, entry, false), user: userInfo(user) };
}

/** Releases a root user (admin, external, channel); module-owned users are refused (`in_use`). */
export async function releaseUser(core: Core, op: Op, id: string, dryRun: boolean): Promise<OpResult> {
  const user = core.users.get(id);
  if (!user) throw new LoaderError('user_not_found', `no user with id ${id}`, { id });
  if (isOwnedKind(user.kind)) {
    throw new LoaderError('in_use', `user ${id} belongs to ${user.owner}; unload ${user.owner} instead`, {
      id,
      owner: user.owner,
      users: [userInfo(user)],
    });
  }
  const entry = core.table.require(user.module);
  const labels = { primary: new Set([user.module]), dependents: new Set<string>() };
  op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
  if (dryRun) {
    const records = stopRecords(core);
    op.steps.push(...stopSteps(orderStops(records, doomedModules(records, [user], []), new Set([user.id])), labels));
    return result(op, entry, true);
  }
  core.users.release(user, op);
  await settle(core, op, labels);
  return result(op, entry, false);
}
