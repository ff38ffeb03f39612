/**
 * Logging is a subscriber of the loader's events (the core never logs): refusals and failures
 * at warn; a module's start at debug, one line per load (a startup of hundreds of modules
 * writes nothing per module at the default level); the steps of a load and the registry and
 * user events at trace; the rest (stops, reloads, manifests) at info. While `bulk()` holds
 * (startup, a config reload, the shutdown), the info lines go to debug too: those operations log
 * one summary line instead of a line per module. An event below the logger's level costs a
 * comparison, nothing is built for it.
 */
import type { Logger } from 'pino';
import type { EventListener, EventName } from '../core/types.js';

type Level = 'warn' | 'info' | 'debug' | 'trace';

const WARN = new Set<EventName>(['load_failed', 'module_fault', 'checksum_mismatch', 'dependency_cycle', 'neverload_refused', 'dialplan_unresolved']);
const DEBUG = new Set<EventName>(['load']);
const TRACE = new Set<EventName>(['provider_register', 'provider_unregister', 'user_add', 'user_release', 'canuse', 'loading', 'unloading']);

export function levelOf(event: EventName, bulk = false): Level {
  if (WARN.has(event)) return 'warn';
  if (TRACE.has(event)) return 'trace';
  return DEBUG.has(event) || bulk ? 'debug' : 'info';
}

export function logEvents(logger: Logger, bulk: () => boolean = () => false): EventListener {
  return (event) => {
    const level = levelOf(event.event, bulk());
    if (logger.levels.values[level]! < logger.levelVal) return;
    logger[level]({ loader_event: event }, event.module ? `${event.event} ${event.module}` : event.event);
  };
}
