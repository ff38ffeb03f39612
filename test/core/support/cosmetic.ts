/** Config edits that change nothing a loader may act on (SPEC 6.15). */
import type { Policy } from '../../../src/core/policy.js';

/**
 * The same policy as read from the same files after comment or blank lines were added above
 * every entry (`shift` lines) and the entries of each list were put in another order.
 */
export function cosmetic(p: Policy, shift: number, rotate = 0): Policy {
  const moved = <T extends { line: number }>(list: T[]): T[] => {
    const out = list.map((e) => ({ ...e, line: e.line + shift })).reverse();
    const by = out.length > 0 ? rotate % out.length : 0;
    return [...out.slice(by), ...out.slice(0, by)];
  };
  return {
    ...p,
    require: moved(p.require),
    preload: moved(p.preload),
    load: moved(p.load),
    noload: moved(p.noload),
    neverload: moved(p.neverload),
    uses: moved(p.uses),
    extconfig: moved(p.extconfig),
    dialplan: moved(p.dialplan),
    warnings: p.warnings.map((w) => ({ ...w, line: w.line + shift })),
  };
}
