/**
 * The problem+json body (RFC 9457) every error answer carries, with the stable `code` of
 * SPEC 9 and the error's details as extension members.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import { HTTP_ERROR_CODES, type HttpErrorCode } from '../problem-codes.js';
import { described, named } from './registry.js';

export { HTTP_ERROR_CODES, type HttpErrorCode } from '../problem-codes.js';

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
