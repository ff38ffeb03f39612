/** Builds a loader over a MemoryHost and records its events, for core tests. */
import { Loader } from '../../../src/core/loader.js';
import { emptyPolicy, type DialplanEntry, type Policy } from '../../../src/core/policy.js';
import type { LoaderEvent } from '../../../src/core/types.js';
import { MemoryHost, type StubSpec } from './memory-host.js';

export interface World {
  host: MemoryHost;
  loader: Loader;
  events: LoaderEvent[];
  /** `event module` lines, optionally only the named events. */
  trail(...only: string[]): string[];
  states(): Record<string, string>;
  running(): string[];
}

export function world(specs: StubSpec[], policy: Partial<Policy> = {}, options: { loadTimeoutMs?: number } = {}): World {
  const host = new MemoryHost(specs);
  const loader = new Loader({ host, scan: host.scan(), policy: { ...emptyPolicy(), ...policy }, loadTimeoutMs: options.loadTimeoutMs ?? 200 });
  const events: LoaderEvent[] = [];
  loader.subscribe((e) => events.push(e));
  return {
    host,
    loader,
    events,
    trail: (...only) => events.filter((e) => only.length === 0 || only.includes(e.event)).map((e) => `${e.event} ${e.module ?? ''}`.trim()),
    states: () => Object.fromEntries(loader.list().map((m) => [m.name, m.state])),
    running: () => loader.list().filter((m) => m.state === 'running').map((m) => m.name),
  };
}

/** Policy entries as the config readers make them. */
export function entries(file: string, ...names: string[]) {
  return names.map((name, i) => ({ name, file, line: i + 1 }));
}

/** A dialplan step of extensions.conf as the config reader makes it: `exten => exten,priority,App()`. */
export function dialplanStep(context: string, exten: string, priority: string, app: string, line: number): DialplanEntry {
  return { context, exten, priority, app, file: 'extensions.conf', line };
}
