/**
 * Carrying out loads (SPEC 6.1–6.3, 6.6): plan the closure of some named modules (the roots),
 * list the loads in the operation's plan, and start them in order, dependencies first.
 *
 * When a provider chosen for a typed use declines or fails, the plan moves to the next best
 * (the failure is listed as a `declined` or `load_failed` step) and the module is not tried
 * again within the operation. Otherwise a failure either rolls back everything this run
 * started and every user and registration it made (`loadAll`: all or nothing), or fails only
 * the roots that needed the module and carries on with the rest (`loadEach`: startup, config
 * reload).
 */
import type { Core, Op } from './core.js';
import { isLoaderError, LoaderError } from './errors.js';
import type { ModuleEntry } from './model.js';
import { planLoad, type LoadPlan } from './plan/plan-load.js';
import type { Settled } from './runtime.js';
import { readChecksum, startModule } from './start.js';
import { orderStops } from './stop-order.js';
import { stopModule, stopRecords, tellCanuseGone } from './stop.js';
import { isActive } from './state.js';
import type { OpResult } from './types.js';

/** How many binaries a run reads ahead for their checksums. */
const CHECKSUM_WINDOW = 16;

export type Failures = NonNullable<OpResult['failures']>;

/** Called for each root once the run is over and it runs (to add the user it is loaded for). */
export type OnRunning = (entry: ModuleEntry) => void;

/**
 * Loads `roots` all or nothing: on a failure without fallback, everything this run started
 * stops again, every user and registration it made is given back, and the error (with
 * `rolled_back`) is thrown. Modules it started that end up unneeded are left to the settle.
 */
export async function loadAll(core: Core, op: Op, roots: readonly string[], onRunning?: OnRunning): Promise<void> {
  core.users.openJournal();
  core.registry.openJournal();
  const started: ModuleEntry[] = [];
  try {
    await execute(core, op, planLoad(core.table, roots, op.excluded), roots, started, null);
  } catch (err) {
    const rolledBack = await rollBack(core, op, started);
    if (isLoaderError(err)) {
      err.details.rolled_back = rolledBack;
      if (rolledBack.length > 0) err.message += `; rolled back ${rolledBack.join(', ')}`;
    }
    throw err;
  } finally {
    core.users.closeJournal();
    core.registry.closeJournal();
  }
  for (const root of roots) onRunning?.(core.table.require(root));
  for (const entry of started) core.users.suspect(entry);
}

/**
 * Loads as many of `roots` as can be, ordered together (SPEC 6.6: the whole set, not root by
 * root). A root that cannot load is listed in `failures`, and so is every root that needed it.
 */
export async function loadEach(core: Core, op: Op, roots: readonly string[], onRunning: OnRunning, failures: Failures, report: (err: LoaderError, root: string) => void): Promise<void> {
  const started: ModuleEntry[] = [];
  const failed = new Set<string>();
  for (;;) {
    const pending = roots.filter((r) => !failed.has(r) && !isActive(core.table.require(r).state));
    const plan = planEach(core, op, pending, (root, err) => {
      failed.add(root);
      failures.push({ module: root, code: err.code, message: err.message });
      report(err, root);
    });
    if (!plan) break;
    const failure = await execute(core, op, plan, roots, started, failed);
    if (!failure) break;
    if (roots.includes(failure.module)) {
      failed.add(failure.module);
      failures.push({ module: failure.module, code: failure.error.code, message: failure.error.message });
    }
  }
  for (const root of roots) {
    const entry = core.table.require(root);
    if (isActive(entry.state)) onRunning(entry);
  }
  for (const entry of started) core.users.suspect(entry);
}

/** Plans `roots` together; on a refusal, plans them one by one to find which are refused. */
function planEach(core: Core, op: Op, roots: readonly string[], refuse: (root: string, err: LoaderError) => void): LoadPlan | null {
  if (roots.length === 0) return null;
  try {
    return planLoad(core.table, roots, op.excluded);
  } catch (err) {
    if (!isLoaderError(err)) throw err;
  }
  const good: string[] = [];
  for (const root of roots) {
    try {
      planLoad(core.table, [root], op.excluded);
      good.push(root);
    } catch (err) {
      if (!isLoaderError(err)) throw err;
      refuse(root, explainFailedDependency(core, err, root));
    }
  }
  return good.length > 0 ? planLoad(core.table, good, op.excluded) : null;
}

/** "X needs F, which did not load": clearer than "nothing provides module=F". */
function explainFailedDependency(core: Core, err: LoaderError, root: string): LoaderError {
  const missing = err.details.missing as Array<{ name: string; failed_providers?: string[] }> | undefined;
  if (err.code !== 'unresolved_dependency' || !missing?.every((m) => m.failed_providers?.length)) return err;
  const failed = missing.flatMap((m) => m.failed_providers!);
  const why = failed.map((f) => `${f}: ${core.table.get(f)?.reason ?? 'did not load'}`).join('; ');
  return new LoaderError('load_failed', `${root} needs ${failed.join(', ')}, which did not load (${why})`, {
    module: root,
    reason: why,
    rolled_back: [],
    failed_dependencies: failed,
  });
}

interface RunFailure {
  module: string;
  error: LoaderError;
}

/**
 * Starts `plan` in order, moving to the next best provider when one fails (SPEC 6.1). With
 * `failed` null (all or nothing) any other failure is thrown; otherwise it is returned for the
 * caller to re-plan the rest. Modules started are appended to `started`.
 */
async function execute(
  core: Core,
  op: Op,
  first: LoadPlan,
  roots: readonly string[],
  started: ModuleEntry[],
  failed: Set<string> | null,
): Promise<RunFailure | null> {
  let plan = first;
  let base = op.steps.length;
  for (const name of plan.order) op.steps.push({ module: name, action: 'load' });
  const checksums = new Map<ModuleEntry, Promise<Settled<string>>>();
  const prefetch = (entry: ModuleEntry | undefined): void => {
    if (entry && !entry.lib && !checksums.has(entry)) checksums.set(entry, readChecksum(core, entry));
  };
  let k = 0;
  for (let j = 0; j < CHECKSUM_WINDOW; j++) prefetch(plan.entries[j]);
  while (k < plan.entries.length) {
    const entry = plan.entries[k]!;
    prefetch(plan.entries[k + CHECKSUM_WINDOW]);
    try {
      await startModule(core, op, entry, plan.resolved[k]!, checksums.get(entry));
      checksums.delete(entry);
      started.push(entry);
      k += 1;
      continue;
    } catch (err) {
      checksums.delete(entry);
      if (!isLoaderError(err)) throw err;
      op.excluded.add(entry.name);
      const rest = roots.filter((r) => r !== entry.name && !failed?.has(r) && !isActive(core.table.require(r).state));
      const next = canFallBack(plan, k, roots) ? replan(core, op, rest) : null;
      if (!next) {
        if (failed === null) throw err;
        op.steps.splice(base + k + 1);
        return { module: entry.name, error: err };
      }
      // Keep the attempt, drop the loads not started, then list the failure and the new plan.
      op.steps.splice(base + k + 1);
      op.steps.push({ module: entry.name, action: err.details.outcome === 'decline' ? 'declined' : 'load_failed', reason: err.message });
      plan = next;
      base = op.steps.length;
      for (const name of plan.order) op.steps.push({ module: name, action: 'load' });
      k = 0;
      for (let j = 0; j < CHECKSUM_WINDOW; j++) prefetch(plan.entries[j]);
    }
  }
  return null;
}

/** A failed module may be replaced when it is no root and every later module uses it by type. */
function canFallBack(plan: LoadPlan, k: number, roots: readonly string[]): boolean {
  const failed = plan.order[k]!;
  if (roots.includes(failed)) return false;
  for (let j = k + 1; j < plan.entries.length; j++) {
    const { deps, targets } = plan.resolved[j]!;
    for (let i = 0; i < deps.length; i++) {
      if (targets[i]?.name === failed && deps[i]!.type === 'module') return false;
    }
  }
  return true;
}

function replan(core: Core, op: Op, roots: readonly string[]): LoadPlan | null {
  try {
    return planLoad(core.table, roots, op.excluded);
  } catch (err) {
    if (isLoaderError(err)) return null;
    throw err;
  }
}

/**
 * Gives back what a failed run took: the holds that modules it told (onCanuse) took meanwhile,
 * the modules it started (holders first; weak holders are told), and the registrations those
 * other modules made. Returns the names of the modules stopped.
 */
async function rollBack(core: Core, op: Op, started: readonly ModuleEntry[]): Promise<string[]> {
  const ours = new Set(started);
  const startedNames = new Set(started.map((e) => e.name));
  for (const user of [...core.users.journaled()].reverse()) {
    const owner = user.owner === undefined ? undefined : core.table.get(user.owner);
    if (!owner || ours.has(owner) || !op.touched.has(owner)) continue;
    if (user.weak && startedNames.has(user.module)) continue; // told when its module stops
    if (!core.users.has(user)) continue;
    // A weak holder is told it loses the hold, as when its module stops (SPEC 6.9).
    const held = user.weak ? core.table.get(user.module) : undefined;
    if (held) await tellCanuseGone(core, user, held);
    core.users.release(user, op);
  }
  const running = new Set(started.filter((e) => isActive(e.state)));
  const rolledBack: string[] = [];
  for (const stop of orderStops(stopRecords(core), running)) {
    if (!isActive(stop.entry.state)) continue;
    for (const user of [...stop.entry.users.values()]) if (user.weak) await tellCanuseGone(core, user, stop.entry);
    await stopModule(core, stop.entry, op);
    rolledBack.push(stop.entry.name);
  }
  for (const registration of core.registry.closeJournal()) {
    const owner = core.table.get(registration.module);
    if (owner && !ours.has(owner) && op.touched.has(owner)) core.registry.withdraw(owner, registration, op);
  }
  core.registry.openJournal();
  return rolledBack;
}
