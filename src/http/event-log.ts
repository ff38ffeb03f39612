/**
 * Logging is a subscriber of the loader's events (the core never logs): refusals and failures
 * at warn; a module's start at debug, one line per load (a startup of hundreds of modules
 * writes nothing per module at the default level); the steps of a load and the registry and
 * user events at trace; the rest (stops, reloads, manifests) at info. An event below the
 * logger's level costs a comparison, nothing is built for it.
 */
import type { Logger } from 'pino';
import type { EventListener, EventName } from '../core/types.js';

type Level = 'warn' | 'info' | 'debug' | 'trace';

const WARN = new Set<EventName>(['load_failed', 'checksum_mismatch', 'dependency_cycle', 'neverload_refused', 'dialplan_unresolved']);
const DEBUG = new Set<EventName>(['load']);
const TRACE = new Set<EventName>(['provider_register', 'provider_unregister', 'user_add', 'user_release', 'canuse', 'loading', 'unloading']);

export function levelOf(event: EventName): Level {
  return WARN.has(event) ? 'warn' : DEBUG.has(event) ? 'debug' : TRACE.has(event) ? 'trace' : 'info';
}

export function logEvents(logger: Logger): EventListener {
  return (event) => {
    const level = levelOf(event.event);
    if (logger.levels.values[level]! < logger.levelVal) return;
    logger[level]({ loader_event: event }, event.module ? `${event.event} ${event.module}` : event.event);
  };
}
