/** The answer every operation builds (SPEC 9): its id, its plan and the named module's state. */
import type { Op } from '../core.js';
import type { ModuleEntry } from '../model.js';
import type { Failures } from '../run-load.js';
import type { OpResult } from '../types.js';

export function result(op: Op, entry: ModuleEntry | undefined, dryRun: boolean): OpResult {
  return { op: op.op, plan: op.steps, dry_run: dryRun, ...(entry ? { state: entry.state } : {}) };
}

/** The answer of an operation over the whole set (startup, config reload). */
export function setResult(op: Op, failures: Failures, warnings: NonNullable<OpResult['warnings']>): OpResult {
  return {
    op: op.op,
    plan: op.steps,
    dry_run: false,
    ...(failures.length > 0 ? { failures } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
