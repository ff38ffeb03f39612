/**
 * The problem+json body (RFC 9457) every error answer carries, with the stable `code` of
 * SPEC 9 and the error's details as extension members.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors.js';
import { described, named } from './registry.js';

/**
 * Codes of the HTTP layer itself, beside the core's registry: unknown routes, requests from
 * another origin (auth/origin-guard.ts), repeated failed authentication (auth/guard.ts),
 * readiness (startup-gate.ts), the shutdown (shutdown-gate.ts), bugs.
 */
export const HTTP_ONLY_CODES = [
  'not_found',
  'host_refused',
  'origin_refused',
  'too_many_failures',
  'starting',
  'not_ready',
  'shutting_down',
  'internal_error',
] as const;

export const ProblemSchema = named(
  'Problem',
  z.looseObject({
    type: described(z.string(), 'A URI naming the problem type: `urn:modloader:problem:<code>`.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum([...(Object.keys(ERROR_CODES) as Array<keyof typeof ERROR_CODES>), ...HTTP_ONLY_CODES]),
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
