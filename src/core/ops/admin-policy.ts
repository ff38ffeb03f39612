/**
 * The admin's users from `modules.conf` (SPEC 5, 6.11): which modules the policy wants held
 * (`require`, `preload`, `load`, autoload) and why, adding those users, and the policy's names
 * that match no module (a warning with file and line, SPEC 6.15).
 */
import type { Core, Op } from '../core.js';
import type { ModuleEntry } from '../model.js';
import type { Policy } from '../policy.js';
import type { OnRunning } from '../run-load.js';
import type { OpResult } from '../types.js';

/** Reasons of admin users that come from the policy (a config reload manages them). */
export const POLICY_REASONS = ['require', 'preload', 'modules.conf', 'autoload'] as const;

export function isPolicyReason(reason: string | undefined): boolean {
  return (POLICY_REASONS as readonly (string | undefined)[]).includes(reason);
}

/**
 * Each module the policy makes the admin a user of, with the reason, strongest first. Autoload
 * takes, for each service, the best provider that is not banned and did not decline or fail
 * (its state says so), so a declining best provider gives way to the next (SPEC 6.1).
 */
export function wantedByPolicy(core: Core): Map<string, string> {
  const policy = core.table.policy;
  const wanted = new Map<string, string>();
  for (const r of policy.require) wanted.set(r.name, 'require');
  for (const p of policy.preload) if (!wanted.has(p.name)) wanted.set(p.name, 'preload');
  for (const l of policy.load) if (!wanted.has(l.name)) wanted.set(l.name, 'modules.conf');
  if (policy.autoload) {
    const failed = new Set([...core.table.values()].filter((e) => e.state === 'declined' || e.state === 'failed').map((e) => e.name));
    for (const n of core.table.autoloadSet(failed)) if (!wanted.has(n)) wanted.set(n, 'autoload');
  }
  for (const name of [...wanted.keys()]) if (!core.table.has(name) || core.table.banned(name)) wanted.delete(name);
  return wanted;
}

/** An {@link OnRunning} that makes the admin a user of each root (once), for `reasons`. */
export function addAdmin(core: Core, op: Op, reasons: ReadonlyMap<string, string>): OnRunning {
  return (entry: ModuleEntry) => {
    if (core.users.adminOf(entry)) return;
    op.steps.push({ module: entry.name, action: 'add_user', user: { kind: 'admin', holder: 'admin' } });
    core.users.add({ kind: 'admin', holder: 'admin', module: entry.name, reason: reasons.get(entry.name) ?? 'admin' }, op);
  };
}

/** `load`/`noload`/`neverload`/`require`/`preload` lines naming no module. */
export function unknownNames(core: Core, policy: Policy): NonNullable<OpResult['warnings']> {
  const warnings: NonNullable<OpResult['warnings']> = [];
  const lists = { require: policy.require, preload: policy.preload, load: policy.load, noload: policy.noload, neverload: policy.neverload };
  for (const [key, list] of Object.entries(lists)) {
    for (const e of list) {
      if (!core.table.has(e.name)) warnings.push({ file: e.file, line: e.line, message: `${key}=${e.name}: no module named ${e.name}` });
    }
  }
  return warnings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
