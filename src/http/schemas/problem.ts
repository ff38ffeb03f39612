/**
 * The problem+json body (RFC 9457) every error answer carries, with the stable `code` of
 * SPEC 9 and the error's details as extension members.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import { described, named } from './registry.js';

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

export const ProblemSchema = named(
  'Problem',
  z.looseObject({
    type: described(z.string(), 'A URI naming the problem type: `urn:modloader:problem:<code>`.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum([...(Object.keys(ERROR_CODES) as ErrorCode[]), ...(Object.keys(HTTP_ERROR_CODES) as HttpErrorCode[])]),
    instance: described(z.string(), 'The request path.'),
    request_id: z.string(),
    fields: described(
      z
        .array(z.object({ in: z.string(), path: z.string(), message: z.string() }))
        .optional(),
      'invalid_request: each failing field, where it was (`body`, `params`, `querystring`, `headers`) and why.',
    ),
  }),
  'An error (application/problem+json). Further members carry the details of the code: `users` (in_use), `cycle` (dependency_cycle), `missing` (unresolved_dependency), `module`, `reason`, `rolled_back` (load_failed), `problems` (manifest_invalid), `missing` and `startup` (starting, not_ready).',
);

export type Problem = z.output<typeof ProblemSchema>;
