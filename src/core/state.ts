/**
 * The module state machine (SPEC 9 states). One explicit state per module; every change goes
 * through {@link transition}, which refuses moves the table does not allow, so an impossible
 * state is a loud bug rather than a quiet one.
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

/** States in which the module's instance exists (its load() succeeded, its stop has not run). */
export function isActive(state: ModuleState): boolean {
  return state === 'running' || state === 'unloading';
}

export function canTransition(from: ModuleState, to: ModuleState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Moves `entry` to `to`; throws on a move the table forbids (a loader bug, never user input). */
export function transition(entry: { name: string; state: ModuleState }, to: ModuleState): void {
  if (!canTransition(entry.state, to)) {
    throw new Error(`illegal state transition for ${entry.name}: ${entry.state} -> ${to}`);
  }
  entry.state = to;
}
