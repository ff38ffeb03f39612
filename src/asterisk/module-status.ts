/**
 * What Asterisk calls a module's state, for the interfaces that speak its language: the CLI's
 * `module show` Status column and ARI's `Module.status`. Asterisk itself only has `Running` and
 * `Not Running`; the loader's other states get words in the same style.
 */
import type { ModuleState } from '../core/types.js';

export const ASTERISK_STATUS: Record<ModuleState, string> = {
  available: 'Not Running',
  loading: 'Loading',
  running: 'Running',
  unloading: 'Unloading',
  stopped: 'Stopped',
  failed: 'Failed',
  declined: 'Declined',
};
