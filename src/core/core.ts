/**
 * The loader's collaborators, bundled: the module table, the user ledger, the API registry,
 * the event bus and the host, plus the operation in progress. Every operation function takes
 * this bundle and its {@link Op} explicitly; nothing reaches state through a base class.
 */
import type { ApiRegistry } from './registry.js';
import type { EventBus, EventContext } from './event-bus.js';
import type { UserLedger } from './ledger.js';
import type { ModuleEntry } from './model.js';
import type { ContextServices } from './runtime.js';
import type { ModuleTable } from './table.js';
import type { EventFields, EventName, LoaderHost, PlanStep } from './types.js';

/** An operation in progress: its id, the cause its events carry, and the steps it took. */
export interface Op extends EventContext {
  op: string;
  steps: PlanStep[];
  /** Modules that declined or failed in this operation: not tried again (SPEC 6.1). */
  excluded: Set<string>;
  /**
   * Modules this operation started or told something (onCanuse): users and registrations they
   * make while it runs are its own, given back if it fails.
   */
  touched: Set<ModuleEntry>;
}

export interface Core {
  readonly host: LoaderHost;
  /** How long a module's load(), unload(), reload(), hooks or import may take. */
  readonly loadTimeoutMs: number;
  readonly bus: EventBus;
  readonly table: ModuleTable;
  readonly users: UserLedger;
  readonly registry: ApiRegistry;
  /** What a module's ctx calls (see holds.ts); set once the bundle exists. */
  services: ContextServices;
  /** The operation running now, if any: what a module's ctx calls are attributed to. */
  current: Op | null;
  /** The last load sequence handed out. */
  loadCounter: number;
  /** > 0 while a dispose callback runs synchronously inside an operation. */
  syncWindow: number;
  /** Queues the release operation (a module's `handle.release()` outside a dispose callback). */
  queueRelease(id: string, cause: string): Promise<unknown>;
}

/** Emits a loader event; without an operation, the module itself is the cause. */
export type Emitter = <K extends EventName>(event: K, module: string | undefined, context: EventContext | null, fields: EventFields[K]) => void;

export function emitterOf(bus: EventBus): Emitter {
  return (event, module, context, fields) => void bus.emit(event, module, context ?? { cause: module }, fields);
}

/** Emits an event; without an operation, the module itself is the cause. */
export function emit<K extends EventName>(core: Core, event: K, module: string | undefined, context: EventContext | null, fields: EventFields[K]): void {
  core.bus.emit(event, module, context ?? { cause: module }, fields);
}

export function newOp(id: string, cause: string | undefined): Op {
  return { op: id, cause, steps: [], excluded: new Set(), touched: new Set() };
}
