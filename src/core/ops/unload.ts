/**
 * Soft and firm unload (SPEC 6.4, 6.5). A soft unload releases the admin's user; a firm unload
 * asks every user of the module to go — dependents (module, config and dialplan users) are
 * firm-unloaded in turn, admin users and cancellable holds released, channels disposed, other
 * holds asked (`dispose_request`) — and the module stops once the last one has gone.
 */
import { emit, type Core, type Op } from '../core.js';
import { LoaderError } from '../errors.js';
import { isOwnedKind, stepUser, userInfo, type ModuleEntry, type UserRecord } from '../model.js';
import { isActive } from '../state.js';
import { doomedModules, orderStops } from '../stop-order.js';
import { settle, stopRecords, stopSteps, type StopLabels } from '../stop.js';
import type { OpResult, UserInfo } from '../types.js';
import { result } from './result.js';

export function unload(core: Core, op: Op, name: string, force: boolean, dryRun: boolean): Promise<OpResult> | OpResult {
  const entry = core.table.require(name);
  if (!isActive(entry.state)) return result(op, entry, dryRun);
  return force ? firmUnload(core, op, entry, dryRun) : softUnload(core, op, entry, dryRun);
}

async function softUnload(core: Core, op: Op, entry: ModuleEntry, dryRun: boolean): Promise<OpResult> {
  const admin = core.users.adminOf(entry);
  if (!admin) {
    throw new LoaderError('in_use', `${entry.name} is not held by the admin; it is in use by ${describeUsers(entry)}`, {
      module: entry.name,
      users: [...entry.users.values()].map(userInfo),
    });
  }
  op.steps.push({ module: entry.name, action: 'release_user', user: stepUser(admin) });
  const labels: StopLabels = { primary: new Set([entry.name]), dependents: new Set() };
  if (dryRun) {
    const records = stopRecords(core);
    const doomed = doomedModules(records, [admin], []);
    op.steps.push(...stopSteps(orderStops(records, doomed, new Set([admin.id])), labels));
    // The users it would keep: none when it would stop (its weak holders are told and let go).
    const kept = doomed.has(entry) ? [] : [...entry.users.values()].filter((u) => u !== admin);
    return { ...result(op, entry, true), users: kept.map(userInfo) };
  }
  core.users.release(admin, op);
  await settle(core, op, labels);
  return { ...result(op, entry, false), users: [...entry.users.values()].map(userInfo) };
}

async function firmUnload(core: Core, op: Op, entry: ModuleEntry, dryRun: boolean): Promise<OpResult> {
  const firm = firmClosure(core, entry);
  const labels: StopLabels = { primary: new Set([entry.name]), dependents: new Set([...firm.modules].filter((m) => m !== entry.name)) };
  for (const user of firm.release) op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
  for (const user of firm.dispose) op.steps.push({ module: user.module, action: 'dispose', user: stepUser(user) });
  for (const user of firm.request) op.steps.push({ module: user.module, action: 'dispose_request', user: stepUser(user) });
  if (dryRun) {
    const released = [...firm.release, ...firm.dispose];
    const records = stopRecords(core);
    op.steps.push(...stopSteps(orderStops(records, doomedModules(records, released, []), new Set(released.map((u) => u.id))), labels));
    return { ...result(op, entry, true), pending: firm.request.map(userInfo) };
  }
  for (const name of firm.modules) core.table.require(name).firm = true;
  applyFirm(core, op, firm);
  await settle(core, op, labels);
  return { ...result(op, entry, false), pending: pendingOf(core, entry), users: [...entry.users.values()].map(userInfo) };
}

export interface FirmClosure {
  /** The module and every module that strongly depends on it, directly or not. */
  modules: Set<string>;
  /** Users released at once: admin users and cancellable holds. */
  release: UserRecord[];
  /** Channels with a dispose callback: hung up. */
  dispose: UserRecord[];
  /** Everything else: asked to go (`dispose_request`), and kept until it does. */
  request: UserRecord[];
}

/** Who must go for `target` to stop (SPEC 6.5); weak holders are not dependents (SPEC 6.9). */
export function firmClosure(core: Core, target: ModuleEntry): FirmClosure {
  const closure: FirmClosure = { modules: new Set(), release: [], dispose: [], request: [] };
  const stack = [target];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (closure.modules.has(entry.name)) continue;
    closure.modules.add(entry.name);
    for (const user of entry.users.values()) {
      if (user.weak) continue;
      if (isOwnedKind(user.kind)) {
        const owner = user.owner !== undefined ? core.table.get(user.owner) : undefined;
        if (owner && isActive(owner.state)) stack.push(owner);
      } else if (user.kind === 'admin' || (user.kind === 'external' && user.cancellable)) {
        closure.release.push(user);
      } else if (user.kind === 'channel' && user.dispose) {
        closure.dispose.push(user);
      } else {
        closure.request.push(user);
      }
    }
  }
  return closure;
}

/** Carries out a firm closure: asks, releases, and runs dispose callbacks. */
export function applyFirm(core: Core, op: Op, firm: FirmClosure): void {
  for (const user of firm.request) emit(core, 'dispose_request', user.module, op, { user: userInfo(user) });
  for (const user of firm.release) core.users.release(user, op);
  disposeUsers(core, op, firm.dispose);
}

/** Runs dispose callbacks synchronously; a release they make applies at once. */
export function disposeUsers(core: Core, op: Op, users: readonly UserRecord[]): void {
  for (const user of users) {
    if (!user.dispose || !core.users.has(user)) continue;
    emit(core, 'dispose_request', user.module, op, { user: userInfo(user) });
    core.syncWindow += 1;
    try {
      const maybe = user.dispose();
      if (maybe && typeof (maybe as Promise<void>).catch === 'function') (maybe as Promise<void>).catch(() => undefined);
    } catch {
      // A dispose callback that throws simply has not let go; the user stays pending.
    } finally {
      core.syncWindow -= 1;
    }
  }
}

/** While a firm unload waits: the users, anywhere above the module, that have not let go. */
export function pendingOf(core: Core, entry: ModuleEntry): UserInfo[] {
  if (!entry.firm || !isActive(entry.state)) return [];
  const firm = firmClosure(core, entry);
  return [...firm.release, ...firm.dispose, ...firm.request].map(userInfo);
}

function describeUsers(entry: ModuleEntry): string {
  const users = [...entry.users.values()];
  if (users.length === 0) return 'nobody';
  return users.map((u) => `${u.kind} ${u.holder}`).join(', ');
}
