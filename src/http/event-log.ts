/**
 * Logging is a subscriber of the loader's events (the core never logs): lifecycle events at
 * info, refusals and failures at warn, the chatty registry and user events at debug. While
 * `bulk()` holds (startup, config reload), lifecycle events go to debug too: those operations
 * log one summary line instead of a line per module.
 */
import type { Logger } from 'pino';
import type { EventListener, EventName } from '../core/types.js';

const WARN = new Set<EventName>(['load_failed', 'module_fault', 'checksum_mismatch', 'dependency_cycle', 'neverload_refused', 'dialplan_unresolved']);
const DEBUG = new Set<EventName>(['provider_register', 'provider_unregister', 'user_add', 'user_release', 'canuse', 'loading', 'unloading']);

export function logEvents(logger: Logger, bulk: () => boolean = () => false): EventListener {
  return (event) => {
    const level = WARN.has(event.event) ? 'warn' : DEBUG.has(event.event) || bulk() ? 'debug' : 'info';
    logger[level]({ loader_event: event }, `${event.event}${event.module ? ` ${event.module}` : ''}`);
  };
}
