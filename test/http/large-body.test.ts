/**
 * SPEC 11: an oversized body is answered 413, and the client receives that answer. The
 * service reads what the client still sends (up to a bound) before the connection closes, so
 * the client is not cut off mid-send with EPIPE or a reset. Over a real listening service,
 * with Node's fetch and with raw sockets.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAIN_LIMIT_BYTES } from '../../src/http/drain-body.js';
import { postFromChild } from './support/child-fetch.js';
import { startService, type TestService } from './support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true });
});
afterAll(async () => s?.stop());

const MB = 1024 * 1024;

interface RawExchange {
  /** What the server answered, as text. */
  answer: string;
  /** Bytes of the body the client managed to write before the server closed. */
  written: number;
  /** The error the client's socket ended with, if any. */
  error?: string;
}

/**
 * Sends a request head then `bodyBytes` of body in 64 KiB chunks as fast as the server reads
 * them, and collects the answer until the server closes the connection.
 */
function rawPost(head: string, bodyBytes: number, chunked = false): Promise<RawExchange> {
  return new Promise((resolve) => {
    // Half-open allowed: like an HTTP client, it goes on sending after the server's FIN.
    const socket = connect({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const received: Buffer[] = [];
    let written = 0;
    let error: string | undefined;
    socket.on('data', (data) => received.push(data));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => resolve({ answer: Buffer.concat(received).toString('latin1'), written, ...(error ? { error } : {}) }));
    const pump = (): void => {
      while (written < bodyBytes && !socket.destroyed) {
        const size = Math.min(chunk.length, bodyBytes - written);
        const piece = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), chunk.subarray(0, size), Buffer.from('\r\n')]) : chunk.subarray(0, size);
        written += size;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (written >= bodyBytes && !socket.destroyed) socket.end(chunked ? '0\r\n\r\n' : '');
    };
    socket.once('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

function problemOf(answer: string): { code?: string } {
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return JSON.parse(body) as { code?: string };
}

describe('a body over the limit', () => {
  it("is answered 413 payload_too_large to Node's fetch, every time (3 MB 20 times, 10 MB 15 times)", async () => {
    const url = `${s.url}/modules/func_cut/users`;
    expect(await postFromChild(url, 'application/json', 3 * MB, 20)).toEqual(Array(20).fill('413 payload_too_large'));
    expect(await postFromChild(url, 'application/json', 10 * MB, 15)).toEqual(Array(15).fill('413 payload_too_large'));
  });

  it('lets a raw client send all 10 MB it announced, then answers 413', async () => {
    const size = 10 * MB;
    const head = `POST /modules/func_cut/users HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`;
    const exchange = await rawPost(head, size);
    expect(exchange.error).toBeUndefined();
    expect(exchange.written).toBe(size);
    expect(statusOf(exchange.answer)).toBe(413);
    expect(problemOf(exchange.answer).code).toBe('payload_too_large');
  });

  it('lets a raw client send all of a 10 MB chunked body, then answers 413', async () => {
    const size = 10 * MB;
    const head = `POST /modules/func_cut/users HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const exchange = await rawPost(head, size, true);
    expect(exchange.error).toBeUndefined();
    expect(exchange.written).toBe(size);
    expect(statusOf(exchange.answer)).toBe(413);
  });

  it('reads no more than its bound of a body that never ends, then closes', async () => {
    const head = `POST /modules/func_cut/users HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Type: application/json\r\nContent-Length: ${1024 * MB}\r\n\r\n`;
    const exchange = await rawPost(head, 1024 * MB);
    expect(statusOf(exchange.answer)).toBe(413);
    expect(exchange.written).toBeLessThan(DRAIN_LIMIT_BYTES + 16 * MB);
  });
});

describe('POST /manifests/check over its own limit (256 KiB)', () => {
  it('is answered 413 payload_too_large, not 400', async () => {
    expect(await postFromChild(`${s.url}/manifests/check`, 'text/plain', 300 * 1024, 1)).toEqual(['413 payload_too_large']);
  });
});
