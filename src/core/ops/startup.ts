/**
 * Startup and shutdown (SPEC 6.11). Startup loads the `require`d modules (all or nothing: a
 * failure fails startup), then `preload`, then `load` and autoload, each phase ordered as one
 * set (SPEC 6.6). Shutdown lets every root user go — channels hung up first — and stops
 * everything, holders first, reverse load order among the rest.
 */
import { emit, type Core, type Op } from '../core.js';
import { isLoaderError } from '../errors.js';
import { reportRefusal } from '../refusals.js';
import { loadAll, loadEach, type Failures } from '../run-load.js';
import { isActive } from '../state.js';
import { orderStops } from '../stop-order.js';
import { settle, stopModule, stopRecords } from '../stop.js';
import type { OpResult } from '../types.js';
import { setResult } from './result.js';
import { addAdmin, unknownNames, wantedByPolicy } from './admin-policy.js';
import { disposeUsers } from './unload.js';

export async function startup(core: Core, op: Op): Promise<OpResult> {
  const policy = core.table.policy;
  const failures: Failures = [];
  const warnings = unknownNames(core, policy);
  for (const entry of [...policy.load, ...policy.preload]) {
    if (core.table.banned(entry.name)) {
      const ban = policy.neverload.find((n) => n.name === entry.name)!;
      emit(core, 'neverload_refused', entry.name, op, { origin: { file: ban.file, line: ban.line } });
    }
  }
  const wanted = wantedByPolicy(core);
  const onRunning = addAdmin(core, op, wanted);
  try {
    await loadAll(core, op, policy.require.map((r) => r.name), onRunning);
  } catch (err) {
    if (isLoaderError(err)) {
      reportRefusal(core, op, err);
      if (warnings.length > 0) err.details.warnings = warnings;
    }
    throw err;
  }
  const report = (err: Parameters<typeof reportRefusal>[2], root: string): void => reportRefusal(core, op, err, root);
  const preload = policy.preload.map((p) => p.name).filter((n) => wanted.has(n));
  await loadEach(core, op, dedupe(preload), onRunning, failures, report);
  const rest = [...wanted.keys()].filter((n) => !preload.includes(n) && !policy.require.some((r) => r.name === n));
  await loadEach(core, op, rest, onRunning, failures, report);
  // A service's best provider declined: autoload takes the next best (SPEC 6.1), once each.
  for (let next = moreAutoload(core, op, wanted); next.length > 0; next = moreAutoload(core, op, wanted)) {
    await loadEach(core, op, next, onRunning, failures, report);
  }
  await settle(core, op);
  return setResult(op, failures, warnings);
}

export async function shutdown(core: Core, op: Op): Promise<OpResult> {
  const primary = new Set<string>();
  // A module's unload() may make a user again; each round lets the roots go once more.
  for (let round = 0; round < 3; round++) {
    const running = [...core.table.values()].filter((e) => isActive(e.state));
    if (running.length === 0) break;
    for (const entry of running) primary.add(entry.name);
    for (const entry of running) disposeUsers(core, op, [...entry.users.values()].filter((u) => u.kind === 'channel'));
    for (const entry of running) {
      for (const user of [...entry.users.values()]) {
        if (user.kind === 'admin' || user.kind === 'external' || user.kind === 'channel') core.users.release(user, op);
      }
    }
    await settle(core, op, { primary, dependents: new Set() });
  }
  // What still runs holds itself up (a module that keeps making users): stop it regardless.
  for (const stop of orderStops(stopRecords(core), new Set([...core.table.values()].filter((e) => e.state === 'running')))) {
    if (stop.entry.state !== 'running') continue;
    op.steps.push({ module: stop.entry.name, action: 'unload' });
    await stopModule(core, stop.entry, op);
  }
  return { op: op.op, plan: op.steps, dry_run: false };
}

/** Autoload's next providers of services whose chosen one failed, added to `wanted`. */
function moreAutoload(core: Core, op: Op, wanted: Map<string, string>): string[] {
  if (!core.table.policy.autoload || op.excluded.size === 0) return [];
  const more = [...wantedByPolicy(core).keys()].filter((name) => !wanted.has(name) && !op.excluded.has(name));
  for (const name of more) wanted.set(name, 'autoload');
  return more;
}

function dedupe(names: string[]): string[] {
  return [...new Set(names)];
}
