/**
 * A websocket as an {@link EventSink}. Messages are held until the end of the event-loop turn
 * and then written to the connection at once: the frames of every message of the turn (each
 * framed once, shared by all subscribers) in one write to the TCP socket under the websocket,
 * so a hundred subscribers cost a hundred writes per turn rather than per event. What is held
 * counts as buffered, so the hub's cut-off of a slow subscriber sees it.
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
  const open = (): boolean => socket.readyState === socket.OPEN;

  const flush = (): void => {
    if (held.length === 0) return;
    const messages = held;
    const bytes = heldBytes;
    held = [];
    heldBytes = 0;
    if (!open()) return;
    if (stream && stream.writable) {
      stream.write(messages.length === 1 ? messages[0]!.frame : Buffer.concat(messages.map((m) => m.frame), bytes));
    } else {
      for (const message of messages) socket.send(message.text);
    }
  };

  return {
    send(message) {
      if (!open()) return;
      if (held.length === 0) endOfTurn.add(flush);
      held.push(message);
      heldBytes += message.frame.length;
    },
    bufferedBytes: () => socket.bufferedAmount + heldBytes,
    close(code, reason) {
      endOfTurn.delete(flush);
      flush();
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

/** The sinks holding messages this turn, flushed together once the turn's work is done. */
const endOfTurn = new (class {
  private readonly due = new Set<() => void>();

  add(flush: () => void): void {
    if (this.due.size === 0) setImmediate(() => this.run());
    this.due.add(flush);
  }

  delete(flush: () => void): void {
    this.due.delete(flush);
  }

  private run(): void {
    for (const flush of this.due) flush();
    this.due.clear();
  }
})();
