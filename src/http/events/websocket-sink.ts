/**
 * A websocket as an {@link EventSink}. Closing waits for the peer's close frame at most
 * `closeGraceMs` (a peer too slow to read may never send it) and then drops the connection.
 * Heartbeats also ping: a peer that did not answer the previous ping is dropped.
 */
import type { WebSocket } from 'ws';
import type { EventSink } from './hub.js';

export function websocketSink(socket: WebSocket, closeGraceMs: number): EventSink {
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  return {
    send(text) {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    bufferedBytes: () => socket.bufferedAmount,
    close(code, reason) {
      if (socket.readyState !== socket.OPEN) return;
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
