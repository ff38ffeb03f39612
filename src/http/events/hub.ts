/**
 * The fan-out of loader events to stream subscribers (SPEC 10). The loader hands each event
 * to {@link EventHub.publish} synchronously; the hub serializes it once, keeps it in the
 * bounded history and hands the same message to every subscriber whose filter matches (a
 * websocket sink frames it once for all of them and writes a turn's frames at once).
 * Handing over never waits: a subscriber whose unsent output exceeds `maxBufferedBytes` is
 * sent a final `cut_off` message and closed, so one slow reader never slows the loader or the
 * others.
 */
import type { LoaderEvent } from '../../core/types.js';
import type { ControlMessage } from '../schemas/events.js';
import type { EventFilter } from './filter.js';
import { EventHistory, type HeldEvent } from './history.js';
import { OutgoingMessage } from './ws-frame.js';

/** Where a subscriber's messages go (a websocket, in the service). */
export interface EventSink {
  /**
   * Takes the next message; the sink delivers messages in the order given (it may hold them
   * until the end of the event-loop turn and write them at once). The same message object
   * goes to every subscriber of an event.
   */
  send(message: OutgoingMessage): void;
  /** Bytes taken and not yet handed to the network (held by the sink or queued for the peer). */
  bufferedBytes(): number;
  /** Sends what it holds, then ends the stream; `code` is a websocket close code. */
  close(code: number, reason: string): void;
  /** Called each heartbeat, e.g. to ping the peer and drop it when it stopped answering. */
  heartbeat?(): void;
}

/** Counts the metrics want; all optional. */
export interface HubObserver {
  published?(): void;
  /** Events not delivered: to a subscriber being cut off, or asked for but no longer held. */
  dropped?(reason: 'slow_subscriber' | 'history_exhausted', count: number): void;
  cutOff?(): void;
}

export interface HubOptions {
  /** How many events `since=` can replay. */
  historySize: number;
  maxBufferedBytes: number;
  /** 0 disables heartbeats. */
  heartbeatMs: number;
  /** The seq the loader will give its next event. */
  nextSeq: () => number;
  /** This start of the service, said first to every subscriber (`hello`). */
  bootId: string;
  observer?: HubObserver;
  now?: () => number;
}

/** Websocket close codes the stream uses. */
export const CLOSE_SLOW_SUBSCRIBER = 4001;
export const CLOSE_GOING_AWAY = 1001;

interface Subscriber {
  sink: EventSink;
  filter: EventFilter;
  lastSeq: number | null;
  /** Bytes of its replay: a large replay is not held against it as slowness. */
  slack: number;
}

export interface Subscription {
  /** Stops delivery (the peer went away). Idempotent. */
  close(): void;
}

export class EventHub {
  private readonly history: EventHistory;
  private readonly subscribers = new Set<Subscriber>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HubOptions) {
    this.history = new EventHistory(options.historySize);
    this.now = options.now ?? Date.now;
    if (options.heartbeatMs > 0) {
      this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs);
      this.timer.unref();
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The loader's listener: serializes once, keeps, fans out. Never throws. */
  readonly publish = (event: LoaderEvent): void => {
    const held: HeldEvent = { seq: event.seq, event: event.event, module: event.module, text: JSON.stringify(event) };
    this.history.push(held);
    this.options.observer?.published?.();
    let message: OutgoingMessage | undefined;
    for (const sub of this.subscribers) {
      if (sub.filter(held)) this.deliver(sub, (message ??= new OutgoingMessage(held.text)), held.seq);
    }
  };

  /**
   * Adds a subscriber, first sending it `hello` (the boot id and the next seq). With `since`,
   * then replays the held events after it (saying `gap` for any it no longer holds) and sends
   * `live`; then it receives new events as they come. A `since` of another boot (`boot` given
   * and not this one) is a `gap` (`restarted`) and a replay of this boot from its start.
   * Replay and registration happen in one synchronous step, so nothing falls between them.
   */
  subscribe(sink: EventSink, options: { filter: EventFilter; since?: number | undefined; boot?: string | undefined }): Subscription {
    const sub: Subscriber = { sink, filter: options.filter, lastSeq: null, slack: 0 };
    this.control(sub, { event: 'hello', time: this.time(), boot_id: this.options.bootId, next_seq: this.options.nextSeq() });
    if (options.since !== undefined && options.boot !== undefined && options.boot !== this.options.bootId) {
      this.control(sub, { event: 'gap', time: this.time(), from: options.since + 1, to: null, reason: 'restarted', boot_id: options.boot });
      this.replay(sub, 0);
    } else if (options.since !== undefined) {
      this.replay(sub, options.since);
    }
    this.subscribers.add(sub);
    return { close: () => void this.subscribers.delete(sub) };
  }

  /** Ends every stream with a final `cut_off` (reason `shutdown`) and stops heartbeats. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const sub of [...this.subscribers]) this.end(sub, 'shutdown', CLOSE_GOING_AWAY, 'service shutting down');
  }

  private replay(sub: Subscriber, since: number): void {
    const next = this.options.nextSeq();
    if (since >= next) {
      this.control(sub, { event: 'gap', time: this.time(), from: next, to: since, reason: 'since_ahead' });
    } else {
      const oldest = this.history.oldestSeq ?? next;
      if (since + 1 < oldest) {
        this.control(sub, { event: 'gap', time: this.time(), from: since + 1, to: oldest - 1, reason: 'history_exhausted' });
        this.options.observer?.dropped?.('history_exhausted', oldest - 1 - since);
      }
      for (const held of this.history.after(since)) {
        if (sub.filter(held)) {
          sub.sink.send(new OutgoingMessage(held.text));
          sub.lastSeq = held.seq;
          sub.slack += held.text.length;
        }
      }
    }
    this.control(sub, { event: 'live', time: this.time(), next_seq: this.options.nextSeq() });
  }

  private heartbeat(): void {
    const message = new OutgoingMessage(JSON.stringify({ event: 'heartbeat', time: this.time(), next_seq: this.options.nextSeq() } satisfies ControlMessage));
    for (const sub of [...this.subscribers]) {
      sub.sink.heartbeat?.();
      if (this.subscribers.has(sub)) this.deliver(sub, message, null);
    }
  }

  private deliver(sub: Subscriber, message: OutgoingMessage, seq: number | null): void {
    if (sub.sink.bufferedBytes() > this.options.maxBufferedBytes + sub.slack) {
      if (seq !== null) this.options.observer?.dropped?.('slow_subscriber', 1);
      this.end(sub, 'slow_subscriber', CLOSE_SLOW_SUBSCRIBER, 'slow subscriber');
      return;
    }
    sub.sink.send(message);
    if (seq !== null) sub.lastSeq = seq;
  }

  private end(sub: Subscriber, reason: 'slow_subscriber' | 'shutdown', code: number, text: string): void {
    this.subscribers.delete(sub);
    if (reason === 'slow_subscriber') this.options.observer?.cutOff?.();
    this.control(sub, { event: 'cut_off', time: this.time(), reason, last_seq: sub.lastSeq });
    sub.sink.close(code, text);
  }

  private control(sub: Subscriber, message: ControlMessage): void {
    sub.sink.send(new OutgoingMessage(JSON.stringify(message)));
  }

  private time(): string {
    return new Date(this.now()).toISOString();
  }
}
