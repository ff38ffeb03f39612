/**
 * The table of SPEC 9: each stable code's HTTP status and title, and the problem+json body
 * built from them. Apart from problem.ts (which turns anything thrown into a problem) so the
 * early listener (early/early-listener.ts) answers in the same shape without importing fastify
 * or zod.
 */
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import type { Problem } from './schemas/problem.js';

/**
 * The HTTP layer's own codes, each with its title, beside the core's registry: bad requests,
 * authentication and roles (auth/), bodies, manifest lint, unknown routes, requests from
 * another origin (auth/origin-guard.ts), repeated failed authentication (auth/guard.ts),
 * readiness (startup-gate.ts), the shutdown (shutdown-gate.ts), bugs.
 */
export const HTTP_ERROR_CODES = {
  invalid_request: 'The request is not valid',
  unauthorized: 'A valid bearer token is required',
  forbidden: 'The token does not carry the role this needs',
  not_found: 'No such route',
  host_refused: 'The Host is not a loopback name, and no tokens are configured',
  origin_refused: 'A request from another origin may not act here',
  payload_too_large: 'The request body is too large',
  manifest_invalid: 'The manifest is not valid',
  too_many_failures: 'Too many failed authentications from this address',
  internal_error: 'The service failed to answer',
  starting: 'The service is starting',
  not_ready: 'The service is not ready',
  shutting_down: 'The service is shutting down',
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;

/** Every code an answer may carry: the core's and the HTTP layer's. */
export type ProblemCode = ErrorCode | HttpErrorCode;

/** SPEC 9: the status of every code. */
export const STATUS_BY_CODE: Record<ProblemCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  host_refused: 403,
  origin_refused: 403,
  unknown_module: 404,
  user_not_found: 404,
  not_found: 404,
  in_use: 409,
  not_running: 409,
  neverload: 409,
  dependency_cycle: 409,
  unresolved_dependency: 409,
  checksum_mismatch: 409,
  load_failed: 409,
  lib_blocked: 409,
  payload_too_large: 413,
  too_many_failures: 429,
  manifest_invalid: 422,
  internal_error: 500,
  starting: 503,
  not_ready: 503,
  shutting_down: 503,
};

export const TITLES: Record<ProblemCode, string> = { ...ERROR_CODES, ...HTTP_ERROR_CODES };

/**
 * Seconds a 503 of each code tells the client to wait (Retry-After): startup is usually a
 * matter of a second; a shutdown lasts about as long as a supervisor takes to start the
 * service again.
 */
export const RETRY_AFTER_S = { starting: 1, not_ready: 1, shutting_down: 5 } as const satisfies Partial<Record<ProblemCode, number>>;

/** The problem+json body of `code` answering the request for `url` (its query left out). */
export function problemBody(
  code: ProblemCode,
  detail: string,
  url: string,
  requestId: string,
  details: Record<string, unknown> = {},
  status: number = STATUS_BY_CODE[code],
): Problem {
  return {
    ...details,
    type: `urn:modloader:problem:${code}`,
    title: TITLES[code],
    status,
    detail,
    code,
    instance: url.split('?')[0] ?? url,
    request_id: requestId,
  };
}
