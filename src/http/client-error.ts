/**
 * Requests Node's HTTP parser refuses before fastify sees them (a method that is not one, a
 * NUL in the path, headers over the limit, a bad Content-Length, a request that never
 * finished its headers) are answered like every other error: a problem+json with the code
 * `invalid_request`, the status the failure calls for (400, 408, 431) and a request id, then
 * the connection is closed. Fastify's `clientErrorHandler`.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problemBody } from './problem-codes.js';
import type { Problem } from './schemas/problem.js';
import { newRequestId, REQUEST_ID_HEADER } from './request-id.js';

/** How long a refused connection may stay half-open for the client to read the answer. */
const CLOSE_AFTER_MS = 5_000;

interface ParserError extends Error {
  code?: string;
}

function statusOf(err: ParserError): { status: number; detail: string } {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'the request did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'the request headers are larger than the 16 KiB accepted' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, detail: 'the request method is not an HTTP method' };
    case 'HPE_INVALID_URL':
      return { status: 400, detail: 'the request target is not a valid path' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'the Content-Length header is invalid' };
    default:
      return { status: 400, detail: `the request is not valid HTTP (${err.code ?? 'parse error'})` };
  }
}

/** The problem answer as raw HTTP/1.1 bytes (nothing of fastify runs for these requests). */
export function clientErrorResponse(err: ParserError, id: string = newRequestId()): string {
  const { status, detail } = statusOf(err);
  return rawProblemResponse(problemBody('invalid_request', detail, '', id, {}, status));
}

/** `problem` as a whole raw HTTP/1.1 answer that closes the connection (for a socket no response object owns). */
export function rawProblemResponse(problem: Problem, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(problem);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return (
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n` +
    'Content-Type: application/problem+json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${problem.request_id}\r\n` +
    extra.join('') +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Answers and half-closes: the client reads the answer and closes its side; a client that
 * does not is dropped after {@link CLOSE_AFTER_MS}. A reset connection gets nothing.
 * `refused` is told the request id of each answer (for the log).
 */
export function refuseClientError(err: ParserError, socket: Socket, refused?: (id: string) => void): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable || socket.writableEnded) {
    socket.destroy();
    return;
  }
  const id = newRequestId();
  refused?.(id);
  socket.end(clientErrorResponse(err, id));
  setTimeout(() => socket.destroy(), CLOSE_AFTER_MS).unref();
}

/** Fastify's `clientErrorHandler`: {@link refuseClientError}, logged at debug. */
export function answerClientError(this: FastifyInstance, err: ParserError, socket: Socket): void {
  refuseClientError(err, socket, (id) =>
    this.log.debug({ req_id: id, code: err.code }, `refused a request the HTTP parser could not read: ${err.code ?? err.message}`),
  );
}
