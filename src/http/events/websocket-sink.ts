/**
 * A websocket as an {@link EventSink}. Messages are held until the end of the event-loop turn
 * (a turn's first ones only until the synchronous run that made them ends) and then written to
 * the connection at once: the frames of every message held (each framed once, shared by all
 * subscribers) in one write to the TCP socket under the websocket, so a hundred subscribers
 * cost a hundred writes per turn rather than per event; subscribers holding the same messages
 * share the joined bytes too. What is held counts as buffered, so the hub's cut-off of
 * a slow subscriber sees it.
 *
 * Closing sends what is held first, then waits for the peer's close frame at most
 * `closeGraceMs` (a peer too slow to read may never send it) and then drops the connection.
 * Heartbeats also ping: a peer that did not answer the previous ping is dropped.
 */
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { EventSink } from './hub.js';
import type { OutgoingMessage } from './ws-frame.js';

/**
 * `socket` is the websocket; `stream` the TCP socket it runs on (the upgraded request's), to
 * which whole frames are written directly. Without `stream` (an injected connection), each
 * message goes through `socket.send` at the end of the turn.
 */
export function websocketSink(socket: WebSocket, closeGraceMs: number, stream?: Writable): EventSink {
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  let held: OutgoingMessage[] = [];
  let heldBytes = 0;
  // What the connection had queued when the turn's first message came; nothing is written to
  // it before the turn ends, so it is read once a turn, not once a message.
  let queued = 0;
  const open = (): boolean => socket.readyState === socket.OPEN;

  const flush = (join: Join): void => {
    if (held.length === 0) return;
    const messages = held;
    const bytes = heldBytes;
    held = [];
    heldBytes = 0;
    if (!open()) return;
    if (stream && stream.writable) {
      stream.write(join(messages, bytes));
    } else {
      for (const message of messages) socket.send(message.text);
    }
  };

  return {
    send(message) {
      if (!open()) return;
      if (held.length === 0) {
        endOfTurn.add(flush);
        queued = socket.bufferedAmount;
      }
      held.push(message);
      heldBytes += message.frame.length;
    },
    bufferedBytes: () => (held.length === 0 ? socket.bufferedAmount : queued + heldBytes),
    close(code, reason) {
      endOfTurn.delete(flush);
      flush(joinFrames);
      if (!open()) return;
      socket.close(code, reason);
      setTimeout(() => socket.terminate(), closeGraceMs).unref();
    },
    heartbeat() {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    },
  };
}

/** The frames of `messages` (`bytes` long in all) as one buffer. */
type Join = (messages: readonly OutgoingMessage[], bytes: number) => Buffer;

const joinFrames: Join = (messages, bytes) => (messages.length === 1 ? messages[0]!.frame : Buffer.concat(messages.map((m) => m.frame), bytes));

/**
 * The sinks holding messages this turn, flushed together once the turn's work is done. Sinks
 * holding the same messages (every unfiltered subscriber, usually) get the same joined
 * buffer: copying a turn's frames once per subscriber cost more than writing them.
 */
const endOfTurn = new (class {
  private readonly due = new Set<(join: Join) => void>();
  /** A turn's first flush has been made early (at a microtask). */
  private earlyThisTurn = false;

  add(flush: (join: Join) => void): void {
    // A turn's first events go out at the end of the synchronous run that made them (a
    // microtask), so a subscriber sees `loading X` even when X's load() then blocks the thread
    // (a runaway); the rest of the turn's wait for its end and go out at once.
    if (this.due.size === 0) {
      if (this.earlyThisTurn) {
        setImmediate(() => this.run());
      } else {
        this.earlyThisTurn = true;
        setImmediate(() => (this.earlyThisTurn = false));
        queueMicrotask(() => this.run());
      }
    }
    this.due.add(flush);
  }

  delete(flush: (join: Join) => void): void {
    this.due.delete(flush);
  }

  private run(): void {
    const joined = new Map<OutgoingMessage, Array<{ messages: readonly OutgoingMessage[]; buffer: Buffer }>>();
    const join: Join = (messages, bytes) => {
      if (messages.length === 1) return messages[0]!.frame;
      let same = joined.get(messages[0]!);
      for (const made of same ?? []) if (sameMessages(made.messages, messages)) return made.buffer;
      const buffer = joinFrames(messages, bytes);
      if (!same) joined.set(messages[0]!, (same = []));
      same.push({ messages, buffer });
      return buffer;
    };
    for (const flush of this.due) flush(join);
    this.due.clear();
  }
})();

function sameMessages(a: readonly OutgoingMessage[], b: readonly OutgoingMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
