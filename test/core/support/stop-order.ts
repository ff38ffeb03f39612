/**
 * SPEC 6.6 and 6.14, "no module stops while a running module holds it", checked from the event
 * trail: within each operation, a module that begins `unloading` must not have a holder that
 * held it (strongly) when the operation started and has not stopped yet. Holds added during the
 * operation are left out (a rollback removes those first, SPEC 6.3); so are weak holds (6.9),
 * and config or dialplan users a config reload let go of (their declaration was dropped).
 */
import type { LoaderEvent, UserInfo } from '../../../src/core/types.js';

const OWNED = new Set(['module', 'config', 'dialplan']);

/** A strong hold of one module on another. */
export function isStrongHold(user: UserInfo): boolean {
  return OWNED.has(user.kind) && user.owner !== undefined && user.owner !== user.module && !user.weak;
}

/**
 * The violations in `events` (any number of operations, in order), given the users that existed
 * before the first of them and each operation's kind (from the op log).
 */
export function stopOrderViolations(usersBefore: UserInfo[], events: LoaderEvent[], kindOf: (op: string | undefined) => string | undefined): string[] {
  const problems: string[] = [];
  const live = new Map(usersBefore.map((u) => [u.id, u]));
  let current: string | undefined | null = null;
  let holds: UserInfo[] = [];
  let gone = new Set<string>();
  let released = new Set<string>();
  for (const e of events) {
    if (e.op !== current) {
      current = e.op;
      holds = [...live.values()].filter(isStrongHold);
      gone = new Set();
      released = new Set();
    }
    switch (e.event) {
      case 'user_add':
        live.set(e.user.id, e.user);
        break;
      case 'user_release':
        live.delete(e.user.id);
        released.add(e.user.id);
        break;
      case 'unload':
      case 'load_failed':
      case 'declined':
        if (e.module !== undefined) gone.add(e.module);
        break;
      case 'unloading':
        for (const u of holds) {
          if (u.module !== e.module || gone.has(u.owner!)) continue;
          const dropped = kindOf(e.op) === 'set_policy' && u.kind !== 'module' && released.has(u.id);
          if (!dropped) problems.push(`${e.module} began unloading (${e.op ?? 'no op'}) while ${u.owner} still held it (${u.kind} ${u.holder}, ${u.id})`);
        }
        break;
      default:
        break;
    }
  }
  return problems;
}

/** The order in which modules began unloading in `events`. */
export function unloadingOrder(events: Array<{ event: string; module?: string | undefined }>): string[] {
  return events.filter((e) => e.event === 'unloading').map((e) => e.module ?? '');
}
