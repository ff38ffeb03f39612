/**
 * SPEC 11: an oversized body is answered 413 *and the client receives that answer*. Fastify
 * answers a body over the limit (and the guard a refused request) before the client has sent
 * all of it, with `Connection: close`; Node then closes the socket with the rest of the body
 * unread, which resets the connection: a client still sending gets EPIPE or a reset instead
 * of the answer (Node's fetch: 16 of 20 times at 10 MB).
 *
 * So whenever the service answers before it has the whole request body, the close lingers:
 * the answer is sent and the sending side shut (FIN) as before, but the socket is only
 * destroyed once the rest of the body has been read and discarded, up to
 * {@link DRAIN_LIMIT_BYTES} or {@link DRAIN_LIMIT_MS}. Past either bound it is destroyed at
 * once (the client then may not see the answer, but a client that never stops costs the
 * service nothing more). An answer that keeps the connection open reads the rest the same way.
 */
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Most body bytes read and discarded after an early answer. */
export const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;
/** Longest time spent reading them. */
export const DRAIN_LIMIT_MS = 10_000;

/**
 * Lets the close of `raw`'s connection linger until the rest of its body is read (see above);
 * `cut` is told how many bytes were read when a bound was passed and the socket destroyed.
 */
export function drainAfterAnswer(raw: IncomingMessage, cut: (drainedBytes: number) => void): void {
  const socket: Socket = raw.socket;
  let read = 0;
  let closeRequested = false;
  // Node ends a `Connection: close` exchange with socket.destroySoon(): shut the sending side,
  // then destroy. Here the destroy waits for the body (a lingering close).
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.writable) this.end();
    closeRequested = true;
  };
  const finish = (): void => {
    clearTimeout(timer);
    raw.off('data', onData);
    delete (socket as Partial<Socket>).destroySoon;
    if (closeRequested) socket.destroySoon();
  };
  const stop = (): void => {
    finish();
    cut(read);
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    read += chunk.length;
    if (read > DRAIN_LIMIT_BYTES) stop();
  };
  const timer = setTimeout(stop, DRAIN_LIMIT_MS);
  timer.unref();
  raw.on('data', onData);
  raw.once('end', finish);
  raw.once('close', finish);
  raw.resume();
}

/** Installs the lingering close as an `onSend` hook of `app`. */
export function installBodyDrain(app: FastifyInstance): void {
  app.addHook('onSend', async (request) => {
    // `complete` is false only on a real connection whose body has not all arrived (an injected
    // request has no such flag, and no socket to linger on).
    if (request.raw.complete !== false || request.headers.upgrade !== undefined || !(request.raw.socket instanceof Socket)) return;
    drainAfterAnswer(request.raw, (bytes) =>
      request.log.info({ drained_bytes: bytes }, 'closing the connection: the client kept sending a body that was already answered'),
    );
  });
}
