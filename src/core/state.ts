/**
 * The module state machine (SPEC 9 states). One explicit state per module; every change goes
 * through {@link transition}, which refuses moves the table does not allow and arrivals whose
 * fields do not fit the state, so an impossible state is a loud bug rather than a quiet one.
 *
 *   available ─load→ loading ─ok→ running ─stop→ unloading ─→ available   (lib released)
 *                       │                                  ├─→ stopped     (lib blocked, 6.7)
 *                       │                                  └─→ failed      (stopped for a fault, 6.16)
 *                       ├─decline→ declined
 *                       └─fail→ failed
 *   failed, declined, stopped ─load→ loading
 */
import type { ModuleState } from './types.js';

export const TRANSITIONS: Readonly<Record<ModuleState, readonly ModuleState[]>> = {
  available: ['loading'],
  loading: ['running', 'failed', 'declined'],
  running: ['unloading'],
  unloading: ['available', 'stopped', 'failed'],
  stopped: ['loading'],
  failed: ['loading'],
  declined: ['loading'],
};

/** The fields of a module that its state constrains. */
export interface StateFields {
  name: string;
  state: ModuleState;
  lib: unknown;
  instance: unknown;
  blocked: boolean;
  users: { size: number };
}

/**
 * What must hold on arrival in each state: `running` has its lib and instance; `available`
 * has neither and no users; `stopped` keeps a blocked lib and nothing else; `failed` and
 * `declined` have no instance and no users (a blocked lib may stay).
 */
const ARRIVAL: Readonly<Record<ModuleState, (e: StateFields) => string | null>> = {
  available: (e) => (e.lib !== null ? 'keeps its lib' : e.instance !== null ? 'keeps an instance' : e.users.size > 0 ? 'has users' : null),
  loading: (e) => (e.instance !== null ? 'already has an instance' : null),
  running: (e) => (e.lib === null ? 'has no lib' : e.instance === null ? 'has no instance' : null),
  unloading: (e) => (e.instance === null ? 'has no instance' : null),
  stopped: (e) => (!e.blocked || e.lib === null ? 'has no blocked lib' : e.instance !== null ? 'keeps an instance' : e.users.size > 0 ? 'has users' : null),
  failed: (e) => (e.instance !== null ? 'keeps an instance' : e.users.size > 0 ? 'has users' : null),
  declined: (e) => (e.instance !== null ? 'keeps an instance' : e.users.size > 0 ? 'has users' : null),
};

/** States in which the module's instance exists (its load() succeeded, its stop has not run). */
export function isActive(state: ModuleState): boolean {
  return state === 'running' || state === 'unloading';
}

export function canTransition(from: ModuleState, to: ModuleState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Why `entry`'s fields do not fit `state`, or null when they do. */
export function fieldsProblem(entry: StateFields, state: ModuleState = entry.state): string | null {
  return ARRIVAL[state](entry);
}

/**
 * Moves `entry` to `to` once its fields are set for it; throws on a move the table forbids or
 * fields that do not fit (a loader bug, never user input).
 */
export function transition(entry: StateFields, to: ModuleState): void {
  if (!canTransition(entry.state, to)) {
    throw new Error(`illegal state transition for ${entry.name}: ${entry.state} -> ${to}`);
  }
  const problem = fieldsProblem(entry, to);
  if (problem !== null) throw new Error(`${entry.name} cannot be ${to}: it ${problem}`);
  entry.state = to;
}
