import { describe, expect, it } from 'vitest';
import { canTransition, fieldsProblem, transition, TRANSITIONS, type StateFields } from '../../src/core/state.js';
import { MODULE_STATES, type ModuleState } from '../../src/core/types.js';

const fields = (state: ModuleState, extra: Partial<StateFields> = {}): StateFields => ({
  name: 'm',
  state,
  lib: null,
  instance: null,
  blocked: false,
  users: { size: 0 },
  ...extra,
});

describe('the state machine', () => {
  it('allows exactly the moves of its table, and refuses every other', () => {
    for (const from of MODULE_STATES) {
      for (const to of MODULE_STATES) expect(canTransition(from, to), `${from} -> ${to}`).toBe(TRANSITIONS[from].includes(to));
    }
    expect(() => transition(fields('available'), 'running')).toThrow(/illegal state transition for m: available -> running/);
    expect(() => transition(fields('running', { lib: {}, instance: {} }), 'available')).toThrow(/running -> available/);
    expect(() => transition(fields('stopped', { lib: {}, blocked: true }), 'running')).toThrow(/stopped -> running/);
  });

  it('refuses to arrive in a state whose fields do not fit it', () => {
    // running: a lib and an instance.
    expect(() => transition(fields('loading', { instance: {} }), 'running')).toThrow(/cannot be running: it has no lib/);
    // available: no lib, no instance, no users.
    expect(() => transition(fields('unloading', { lib: {}, instance: null }), 'available')).toThrow(/cannot be available: it keeps its lib/);
    expect(() => transition(fields('unloading', { users: { size: 1 } }), 'available')).toThrow(/has users/);
    // stopped: a blocked lib and nothing else.
    expect(() => transition(fields('unloading', { lib: {}, blocked: false }), 'stopped')).toThrow(/has no blocked lib/);
    // failed and declined: no instance, no users.
    expect(() => transition(fields('loading', { instance: {} }), 'failed')).toThrow(/keeps an instance/);
    expect(() => transition(fields('loading', { users: { size: 2 } }), 'declined')).toThrow(/has users/);
  });

  it('moves when the fields fit, and says why they do not otherwise', () => {
    const entry = fields('loading', { lib: {}, instance: {} });
    transition(entry, 'running');
    expect(entry.state).toBe('running');
    expect(fieldsProblem(fields('stopped', { lib: {}, blocked: true }))).toBeNull();
    expect(fieldsProblem(fields('available', { instance: {} }))).toBe('keeps an instance');
  });
});
