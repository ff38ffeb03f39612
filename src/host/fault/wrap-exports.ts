/**
 * A module's exports as the loader sees them: each hook runs inside the module's scope
 * (module-scope.ts), with `this` the module's own exports as before.
 */
import type { ModuleExports } from '../../core/types.js';
import { type ModuleScope, runInScope } from './module-scope.js';

/** Every hook the loader may call (SPEC 7, and 6.9's onCanuseGone). */
const HOOKS = ['load', 'unload', 'reload', 'onCanuse', 'onCanuseGone'] as const;

/**
 * Exports whose hooks run in `scope`. Everything else reads through to the original exports
 * (the returned object inherits from them), so nothing the module exports is hidden.
 */
export function wrapExports(scope: ModuleScope, exports: ModuleExports): ModuleExports {
  const wrapped = Object.create(exports) as Record<string, unknown>;
  for (const hook of HOOKS) {
    const fn = exports[hook] as ((...args: never[]) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    Object.defineProperty(wrapped, hook, {
      value: (...args: unknown[]) => runInScope(scope, fn, exports, args),
      enumerable: true,
    });
  }
  return wrapped as unknown as ModuleExports;
}
