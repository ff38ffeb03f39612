/**
 * Every refusal is streamed (SPEC 10): a load, hold or dependency refused for a ban gives
 * `neverload_refused` (with the ban's line and who needed the module), one refused for a cycle
 * gives `dependency_cycle` (with the whole cycle), whatever asked for it.
 */
import { emit, type Core, type Op } from './core.js';
import type { LoaderError } from './errors.js';

export function reportRefusal(core: Core, op: Op, err: LoaderError, asked?: string): void {
  if (err.code === 'neverload') {
    const module = typeof err.details.module === 'string' ? err.details.module : asked;
    const ban = core.table.policy.neverload.find((e) => e.name === module);
    const neededBy = typeof err.details.needed_by === 'string' ? err.details.needed_by : undefined;
    emit(core, 'neverload_refused', module, op, {
      ...(ban ? { origin: { file: ban.file, line: ban.line } } : {}),
      ...(neededBy !== undefined ? { needed_by: neededBy } : {}),
    });
  } else if (err.code === 'dependency_cycle' && Array.isArray(err.details.cycle)) {
    emit(core, 'dependency_cycle', asked ?? (err.details.cycle[0] as string), op, { cycle: err.details.cycle as string[] });
  }
}
