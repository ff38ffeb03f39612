/**
 * What an operation's plan means for an operator: which modules it loads, which it stops (the
 * named one and the cascade), which users it adds, releases (weak canuse holds among them) or
 * asks to go. Pure; the preview dialog renders it and the graph marks `affected`.
 */
import type { PlanStep } from '../../src/core/types.js';

export interface PlanSummary {
  loads: string[];
  /** Stopped modules, the named one first where it stops. */
  stops: string[];
  cascades: number;
  reloads: string[];
  usersAdded: number;
  usersReleased: number;
  /** Released users that are weak holds (SPEC 6.9): their holders keep running. */
  weakReleased: number;
  disposeRequests: number;
  /** Every module a step names. */
  affected: Set<string>;
}

/** `weak`: the ids of the weak users among those the plan names (the plan's steps do not say). */
export function summarizePlan(plan: readonly PlanStep[], weak: ReadonlySet<string> = new Set()): PlanSummary {
  const summary: PlanSummary = {
    loads: [],
    stops: [],
    cascades: 0,
    reloads: [],
    usersAdded: 0,
    usersReleased: 0,
    weakReleased: 0,
    disposeRequests: 0,
    affected: new Set(),
  };
  for (const step of plan) {
    summary.affected.add(step.module);
    switch (step.action) {
      case 'load':
        summary.loads.push(step.module);
        break;
      case 'unload':
        summary.stops.push(step.module);
        break;
      case 'cascade_unload':
        summary.stops.push(step.module);
        summary.cascades += 1;
        break;
      case 'reload':
        summary.reloads.push(step.module);
        break;
      case 'add_user':
        summary.usersAdded += 1;
        break;
      case 'release_user':
        summary.usersReleased += 1;
        if (step.user?.id !== undefined && weak.has(step.user.id)) summary.weakReleased += 1;
        break;
      case 'dispose_request':
        summary.disposeRequests += 1;
        break;
      default:
        break;
    }
  }
  return summary;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One line: `loads 3 modules · stops 14 modules (13 by cascade) · releases 2 users`. */
export function describePlan(summary: PlanSummary): string {
  const parts: string[] = [];
  if (summary.loads.length) parts.push(`loads ${plural(summary.loads.length, 'module')}`);
  if (summary.stops.length) {
    parts.push(`stops ${plural(summary.stops.length, 'module')}${summary.cascades ? ` (${summary.cascades} by cascade)` : ''}`);
  }
  if (summary.reloads.length) parts.push(`reloads ${summary.reloads.join(', ')}`);
  if (summary.usersAdded) parts.push(`adds ${plural(summary.usersAdded, 'user')}`);
  if (summary.usersReleased) {
    parts.push(`releases ${plural(summary.usersReleased, 'user')}${summary.weakReleased ? ` (${plural(summary.weakReleased, 'weak hold')})` : ''}`);
  }
  if (summary.disposeRequests) parts.push(`asks ${plural(summary.disposeRequests, 'holder')} to let go`);
  return parts.length ? parts.join(' · ') : 'nothing to do: it is already so';
}
