/** Reload (SPEC 9 `POST /modules/{name}/reload`): runs a running module's `reload(ctx)`. */
import { emit, type Core, type Op } from '../core.js';
import { LoaderError } from '../errors.js';
import { describeError, runHook } from '../runtime.js';
import type { OpResult } from '../types.js';
import { result } from './result.js';

/** Throws `not_running`, or `load_failed` when the hook throws or times out (the module keeps running). */
export async function reload(core: Core, op: Op, name: string, dryRun: boolean): Promise<OpResult> {
  const entry = core.table.require(name);
  if (entry.state !== 'running' || !entry.instance?.ctx || !entry.lib) {
    throw new LoaderError('not_running', `${name} is not running`, { module: name, state: entry.state });
  }
  op.steps.push({ module: name, action: 'reload' });
  if (dryRun) return result(op, entry, true);
  const hook = entry.lib.reload;
  if (hook) {
    const ctx = entry.instance.ctx;
    const lib = entry.lib;
    const settled = await runHook(() => hook.call(lib, ctx), core.loadTimeoutMs);
    if (settled.kind !== 'value') {
      const reason = settled.kind === 'timeout' ? `reload() did not finish within ${core.loadTimeoutMs} ms` : describeError(settled.error);
      emit(core, 'reload', entry.name, op, { result: 'failure', reason });
      throw new LoaderError('load_failed', `${name}: ${reason}`, { module: name, reason, rolled_back: [] });
    }
  }
  emit(core, 'reload', entry.name, op, { result: 'success' });
  return result(op, entry, false);
}
