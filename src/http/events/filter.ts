/**
 * A subscriber's filter (SPEC 10): `events=load,unload` keeps those event names,
 * `module=chan_*,app_*` keeps events whose module matches one of the globs (picomatch); an
 * event without a module does not match a module filter. No filter keeps everything.
 */
import picomatch from 'picomatch';
import type { EventName } from '../../core/types.js';
import type { HeldEvent } from './history.js';

export type EventFilter = (event: Pick<HeldEvent, 'event' | 'module'>) => boolean;

export function compileFilter(options: { events?: readonly EventName[] | undefined; module?: string | undefined }): EventFilter {
  const names = options.events && options.events.length > 0 ? new Set<string>(options.events) : undefined;
  const globs = options.module
    ?.split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const matches = globs && globs.length > 0 ? picomatch(globs, { maxLength: 1024 }) : undefined;
  return (event) => {
    if (names && !names.has(event.event)) return false;
    if (matches) return event.module !== undefined && matches(event.module);
    return true;
  };
}
