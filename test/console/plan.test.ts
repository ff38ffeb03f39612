import { describe, expect, it } from 'vitest';
import { describePlan, summarizePlan } from '../../console/src/plan.js';
import type { PlanStep } from '../../src/core/types.js';

describe('a plan as the preview tells it', () => {
  it('counts the stops, the cascade among them, and the users it touches', () => {
    const plan: PlanStep[] = [
      { module: 'chan_sip', action: 'release_user', user: { id: 'u1', kind: 'admin', holder: 'admin' } },
      { module: 'chan_sip', action: 'dispose_request', user: { id: 'u9', kind: 'channel', holder: 'SIP/alice-1' } },
      { module: 'pbx_config', action: 'cascade_unload', direction: 'dependents' },
      { module: 'chan_sip', action: 'unload' },
      { module: 'app_dial', action: 'cascade_unload', direction: 'dependencies' },
    ];
    const summary = summarizePlan(plan);
    expect(summary.stops).toEqual(['pbx_config', 'chan_sip', 'app_dial']);
    expect(summary.cascades).toBe(2);
    expect(summary.affected).toEqual(new Set(['chan_sip', 'pbx_config', 'app_dial']));
    expect(describePlan(summary)).toBe('stops 3 modules (2 by cascade) · releases 1 user · asks 1 holder to let go');
  });

  it('counts the weak holds among the users released: their holders keep running', () => {
    const plan: PlanStep[] = [
      { module: 'res_http_websocket', action: 'release_user', user: { id: 'u24', kind: 'admin', holder: 'admin' } },
      { module: 'res_http_websocket', action: 'release_user', user: { id: 'u23', kind: 'module', holder: 'chan_sip' } },
      { module: 'res_http_websocket', action: 'unload' },
    ];
    expect(describePlan(summarizePlan(plan))).toBe('stops 1 module · releases 2 users');
    const summary = summarizePlan(plan, new Set(['u23', 'u99']));
    expect(summary.weakReleased).toBe(1);
    expect(describePlan(summary)).toBe('stops 1 module · releases 2 users (1 weak hold)');
  });

  it('says a load with its dependencies, and an empty plan as nothing to do', () => {
    const load = summarizePlan([
      { module: 'func_cut', action: 'load' },
      { module: 'func_periodic_hook', action: 'load' },
      { module: 'func_periodic_hook', action: 'add_user', user: { kind: 'admin', holder: 'admin' } },
    ]);
    expect(describePlan(load)).toBe('loads 2 modules · adds 1 user');
    expect(describePlan(summarizePlan([]))).toBe('nothing to do: it is already so');
  });
});
