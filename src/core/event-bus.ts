/**
 * Stamps core events with `seq` (strictly increasing, no gaps) and `time`, and hands them to
 * subscribers synchronously. A subscriber that throws is dropped from nothing and breaks
 * nothing: its error is swallowed so one bad listener never stalls the loader.
 */
import { isoTime } from './model.js';
import type { EventFields, EventListener, EventName, LoaderEvent } from './types.js';

export interface EventContext {
  op?: string | undefined;
  cause?: string | undefined;
}

export class EventBus {
  private seq = 1;
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly now: () => number) {}

  get nextSeq(): number {
    return this.seq;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit<K extends EventName>(
    event: K,
    module: string | undefined,
    context: EventContext,
    fields: EventFields[K],
  ): LoaderEvent {
    const message = {
      seq: this.seq++,
      time: isoTime(this.now()),
      event,
      ...(module !== undefined ? { module } : {}),
      ...(context.op !== undefined ? { op: context.op } : {}),
      ...(context.cause !== undefined ? { cause: context.cause } : {}),
      ...fields,
    } as LoaderEvent;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A listener's fault must never reach the loader.
      }
    }
    return message;
  }
}
