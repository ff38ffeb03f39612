/**
 * The event stream as the page follows it: a websocket to `/events` that resumes after any
 * drop with `since=<last seq received>`, so nothing is missed silently; when the service can
 * no longer send what was missed (or restarted) its `gap` message is passed on, and the page
 * reloads its state and says so.
 */
import type { ControlMessage, LoaderEvent, StreamMessage } from './types.js';

export type StreamStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'replaying' }
  | { kind: 'live' }
  | { kind: 'down'; retryInMs: number; reason: string };

export interface StreamHandlers {
  /** A loader event; `replayed` while the stream replays history (before `live`). */
  event(event: LoaderEvent, replayed: boolean): void;
  control(message: ControlMessage): void;
  status(status: StreamStatus): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000];

export class EventStream {
  private socket: WebSocket | null = null;
  private lastSeq: number | null;
  private attempt = 0;
  private replaying = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  /** `since`: replay the events after this seq first (null: live only). */
  constructor(
    private readonly url: (since: number | null) => string,
    private readonly handlers: StreamHandlers,
    since: number | null,
  ) {
    this.lastSeq = since;
  }

  /** The seq of the last loader event received. */
  get seq(): number | null {
    return this.lastSeq;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'page closed the stream');
    this.socket = null;
  }

  private connect(): void {
    this.handlers.status({ kind: 'connecting', attempt: this.attempt });
    const socket = new WebSocket(this.url(this.lastSeq));
    this.socket = socket;
    this.replaying = this.lastSeq !== null;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.handlers.status(this.replaying ? { kind: 'replaying' } : { kind: 'live' });
    });
    socket.addEventListener('message', (message) => this.receive(String(message.data)));
    socket.addEventListener('close', (close) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      const retryInMs = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)]!;
      this.attempt += 1;
      this.handlers.status({ kind: 'down', retryInMs, reason: close.reason || `closed (${close.code})` });
      this.timer = setTimeout(() => this.connect(), retryInMs);
    });
  }

  private receive(text: string): void {
    let message: StreamMessage;
    try {
      message = JSON.parse(text) as StreamMessage;
    } catch {
      return;
    }
    if ('seq' in message) {
      this.lastSeq = message.seq;
      this.handlers.event(message, this.replaying);
      return;
    }
    if (message.event === 'gap' && message.reason === 'since_ahead') {
      // The service restarted and numbers its events afresh: follow its numbering from here.
      this.lastSeq = message.from - 1;
    }
    if (message.event === 'live') {
      // The page takes every event (no filter), so everything before next_seq has been sent.
      this.lastSeq = Math.max(this.lastSeq ?? 0, message.next_seq - 1);
      this.replaying = false;
      this.handlers.status({ kind: 'live' });
    }
    this.handlers.control(message);
  }
}
