/**
 * Request ids: a sane incoming `X-Request-Id` is kept (so a caller can follow its request
 * through logs and events), anything else gets a fresh id. The id is passed to the loader as
 * the operation's `cause`, logged with every line of the request, and returned in the
 * `X-Request-Id` header.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Random per process, so ids from different runs of the service do not collide. */
const PREFIX = `req-${randomBytes(4).toString('hex')}-`;
let counter = 0;

/** A fresh id: the process prefix and a counter. */
export function newRequestId(): string {
  counter += 1;
  return PREFIX + counter.toString(36);
}

/** Fastify's `genReqId`: the caller's id if sane, else a fresh one. */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && SANE.test(incoming)) return incoming;
  return newRequestId();
}
