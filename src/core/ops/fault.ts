/**
 * A fault charged to a module (SPEC 6.16): `module_fault` is streamed, the module is
 * firm-unloaded with its dependents, and it ends `failed` with the fault as its reason.
 */
import { emit, type Core, type Op } from '../core.js';
import { describeError } from '../runtime.js';
import { isActive } from '../state.js';
import type { FaultSource, OpResult } from '../types.js';
import { result } from './result.js';
import { unload } from './unload.js';

export async function fault(core: Core, op: Op, name: string, error: unknown, source: FaultSource): Promise<OpResult> {
  const entry = core.table.require(name);
  const reason = `fault (${source}): ${describeError(error)}`;
  emit(core, 'module_fault', name, op, { error: describeError(error), source });
  entry.reason = reason;
  if (!isActive(entry.state)) return result(op, entry, false);
  entry.faulted = true;
  const answer = await unload(core, op, name, true, false);
  entry.reason = reason;
  return answer;
}
