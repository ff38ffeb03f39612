/**
 * A real websocket client for the event stream that keeps every message (parsed) and lets a
 * test wait for the one it expects.
 */
import WebSocket from 'ws';

export interface StreamClient {
  socket: WebSocket;
  messages: Array<Record<string, unknown>>;
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (message: Record<string, unknown>) => boolean, what?: string): Promise<Record<string, unknown>>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function openStream(baseUrl: string, query = '', headers: Record<string, string> = {}): Promise<StreamClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/events${query}`, { headers });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        closed,
        waitFor(match, what = 'a message') {
          const found = messages.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res, rej) => {
            waiters.push({ match, resolve: res });
            void closed.then(() => rej(new Error(`stream closed before ${what} arrived`)));
          });
        },
        async close() {
          if (socket.readyState === WebSocket.CLOSED) return;
          socket.close();
          await closed;
        },
      }),
    );
  });
}

/** Resolves with the HTTP status a refused websocket upgrade was answered with. */
export function refusedUpgrade(baseUrl: string, query = '', headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/events${query}`, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.on('error', () => undefined);
  });
}

/** Loader events only (control messages have no seq). */
export function eventsOf(messages: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return messages.filter((m) => typeof m.seq === 'number');
}
