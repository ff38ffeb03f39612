/**
 * The event stream as the page follows it: a websocket to `/events` that resumes after any
 * drop with `since=<last seq received>&boot=<the boot id that seq belongs to>`, so nothing is
 * missed silently. Each stream's first message (`hello`) names the service's boot: a boot id
 * other than the one the page knew means the service restarted (its seqs start again from 1),
 * which is passed on as `restarted`; a `gap` (events no longer held) is passed on too, and the
 * page reloads its state and says so.
 */
import type { ControlMessage, LoaderEvent, StreamMessage } from './types.js';

export type StreamStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'replaying' }
  | { kind: 'live' }
  | { kind: 'down'; retryInMs: number; reason: string };

/** The service restarted: `from` is the boot the page knew, `lastSeq` its last event received. */
export interface Restart {
  from: string;
  to: string;
  lastSeq: number | null;
}

export interface StreamHandlers {
  /** A loader event; `replayed` while the stream replays history (before `live`). */
  event(event: LoaderEvent, replayed: boolean): void;
  control(message: ControlMessage): void;
  status(status: StreamStatus): void;
  /** The stream's `hello` named another boot than the one the page knew. */
  restarted(restart: Restart): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000];

export class EventStream {
  private socket: WebSocket | null = null;
  private lastSeq: number | null;
  private bootId: string | null;
  private attempt = 0;
  private replaying = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  /**
   * `since`: replay the events after this seq first (null: live only); `boot`: the boot id it
   * belongs to (from `GET /health`), so a restart before the first connection is noticed too.
   */
  constructor(
    private readonly url: (since: number | null, boot: string | null) => string,
    private readonly handlers: StreamHandlers,
    since: number | null,
    boot: string | null,
  ) {
    this.lastSeq = since;
    this.bootId = boot;
  }

  /** The seq of the last loader event received. */
  get seq(): number | null {
    return this.lastSeq;
  }

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.online);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.online);
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'page closed the stream');
    this.socket = null;
  }

  /** The browser is back on the network: retry now rather than at the end of the back-off. */
  private readonly online = (): void => {
    if (this.stopped || this.socket || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.connect();
  };

  private connect(): void {
    this.handlers.status({ kind: 'connecting', attempt: this.attempt });
    const socket = new WebSocket(this.url(this.lastSeq, this.lastSeq === null ? null : this.bootId));
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
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, retryInMs);
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
    if (message.event === 'hello') {
      const known = this.bootId;
      this.bootId = message.boot_id;
      if (known !== null && known !== message.boot_id) {
        // The seqs of the earlier boot mean nothing now: what follows (after a `gap`,
        // `restarted`) is this boot's replay from its start.
        const lastSeq = this.lastSeq;
        if (lastSeq !== null) this.lastSeq = 0;
        this.handlers.restarted({ from: known, to: message.boot_id, lastSeq });
      }
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
