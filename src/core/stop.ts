/**
 * Stopping modules inside an operation (SPEC 6.4–6.8): the settle that stops every running
 * module left without a strong user, holders first (stop-order.ts), telling surviving weak
 * holders first; and the stop of one module — registrations withdrawn, `unload(ctx)` run, the
 * instance ended (signal aborted, timers cleared), its holds released, its lib released or
 * kept (blockUnload), or the module left `failed` after a fault.
 */
import { emit, type Core, type Op } from './core.js';
import type { EventContext } from './event-bus.js';
import { stepUser, type ModuleEntry, type UserRecord } from './model.js';
import { describeError, endInstance, runHook } from './runtime.js';
import { doomedModules, orderStops, type PlannedStop, type StopRecords } from './stop-order.js';
import { transition } from './state.js';
import type { PlanStep } from './types.js';

/** How the stops of an operation are labelled in its plan and events. */
export interface StopLabels {
  /** The modules the operation names: their stop is `unload`. */
  primary: ReadonlySet<string>;
  /** Modules a firm unload takes down above its target: `cascade_unload` `dependents`. */
  dependents: ReadonlySet<string>;
}

export const NO_LABELS: StopLabels = { primary: new Set(), dependents: new Set() };

export function stopRecords(core: Core): StopRecords {
  return { entry: (name) => core.table.get(name) };
}

/** The plan steps of planned stops: weak holds released first, then the stop itself. */
export function stopSteps(stops: readonly PlannedStop[], labels: StopLabels): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const stop of stops) {
    for (const user of stop.weak) steps.push({ module: stop.entry.name, action: 'release_user', user: stepUser(user) });
    steps.push(stopStep(stop.entry.name, labels));
  }
  return steps;
}

function stopStep(name: string, labels: StopLabels): PlanStep {
  if (labels.primary.has(name)) return { module: name, action: 'unload' };
  return { module: name, action: 'cascade_unload', direction: labels.dependents.has(name) ? 'dependents' : 'dependencies' };
}

/**
 * Stops every running module left without a strong user, until none is left (the cascade).
 * Re-plans when a module gains a user meanwhile (a module's hooks may make one).
 */
export async function settle(core: Core, op: Op, labels: StopLabels = NO_LABELS): Promise<void> {
  for (;;) {
    const seeds = [...core.users.orphans];
    core.users.orphans.clear();
    const doomed = doomedModules(stopRecords(core), [], seeds);
    if (doomed.size === 0) return;
    const addsBefore = core.users.addCount;
    for (const stop of orderStops(stopRecords(core), doomed)) {
      const { entry } = stop;
      if (entry.state !== 'running' || entry.strong > 0) break;
      await releaseWeakHolds(core, op, entry);
      if (entry.strong > 0) {
        entry.going = false;
        break;
      }
      const step = stopStep(entry.name, labels);
      op.steps.push(step);
      const cause = step.action !== 'cascade_unload' ? undefined : step.direction === 'dependents' ? [...labels.primary][0] : (stop.cause ?? core.users.orphanedBy.get(entry));
      const context = cause ? { op: op.op, cause } : op;
      if (step.direction) emit(core, 'cascade_unload', entry.name, context, { direction: step.direction });
      await stopModule(core, entry, context);
      if (core.users.addCount !== addsBefore) break;
    }
    // Whatever is still without a strong user (a re-plan, or a module skipped above) goes round again.
    for (const entry of doomed) core.users.suspect(entry);
  }
}

/** Tells each weak holder of `entry` it is going (`onCanuseGone`) and releases the hold. */
async function releaseWeakHolds(core: Core, op: Op, entry: ModuleEntry): Promise<void> {
  entry.going = true;
  const weak = [...entry.users.values()].filter((u) => u.weak);
  for (const user of weak) {
    op.steps.push({ module: entry.name, action: 'release_user', user: stepUser(user) });
    await tellCanuseGone(core, user, entry);
    core.users.release(user, op);
  }
}

/** Runs the weak holder's `onCanuseGone(ctx, name)` hook, if it has one and still runs. */
export async function tellCanuseGone(core: Core, user: UserRecord, entry: ModuleEntry): Promise<void> {
  const holder = user.owner === undefined ? undefined : core.table.get(user.owner);
  const hook = holder?.lib?.onCanuseGone;
  const ctx = holder?.instance?.ctx;
  if (holder && hook && ctx && holder.instance?.alive) await runHook(() => hook.call(holder.lib, ctx, entry.name), core.loadTimeoutMs);
}

/**
 * Stops a running module: withdraws its registrations, runs unload(), ends the instance,
 * releases what it holds, and releases or keeps its lib (6.7, 6.8).
 */
export async function stopModule(core: Core, entry: ModuleEntry, context: EventContext): Promise<void> {
  entry.going = true;
  transition(entry, 'unloading');
  emit(core, 'unloading', entry.name, context, {});
  core.registry.withdrawAll(entry, context);
  const instance = entry.instance;
  const hook = entry.lib?.unload;
  if (hook && instance?.ctx) {
    const ctx = instance.ctx;
    const settled = await runHook(() => hook.call(entry.lib, ctx), core.loadTimeoutMs);
    if (settled.kind !== 'value') {
      entry.reason = settled.kind === 'timeout' ? 'unload() timed out' : `unload() threw: ${describeError(settled.error)}`;
    }
    // unload() may have registered again: nothing may outlive the instance.
    core.registry.withdrawAll(entry, context);
  }
  if (instance) endInstance(instance);
  entry.instance = null;
  core.users.releaseHolds(entry, context);
  // A stop that was not a settle's (rollback, shutdown) may leave users behind: none outlives it.
  for (const user of [...entry.users.values()]) core.users.release(user, context);
  entry.bound = null;
  entry.loadedManifest = null;
  entry.going = false;
  entry.firm = false;
  core.users.orphans.delete(entry);
  core.users.orphanedBy.delete(entry);
  if (entry.faulted) {
    entry.faulted = false;
    entry.blocked = false;
    releaseLib(entry);
    transition(entry, 'failed');
    emit(core, 'unload', entry.name, context, { state: 'failed' });
    emit(core, 'lib_release', entry.name, context, {});
  } else if (entry.blocked) {
    transition(entry, 'stopped');
    emit(core, 'unload', entry.name, context, { state: 'stopped' });
    emit(core, 'block_unload', entry.name, context, {});
  } else {
    releaseLib(entry);
    transition(entry, 'available');
    emit(core, 'unload', entry.name, context, { state: 'available' });
    emit(core, 'lib_release', entry.name, context, {});
  }
  if (entry.removed) {
    core.table.delete(entry);
    core.table.reindex();
  }
}

function releaseLib(entry: ModuleEntry): void {
  entry.lib = null;
  entry.libChecksum = null;
}
