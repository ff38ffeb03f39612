/**
 * Errors as problem+json (RFC 9457). One table maps each stable code to its HTTP status
 * (SPEC 9); {@link toProblem} turns anything a route or fastify throws into a problem with a
 * code, so every error answer has the same shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { errorFamily } from '../core/coded-error.js';
import { isLoaderError } from '../core/errors.js';
import { problemBody, type ProblemCode, STATUS_BY_CODE, TITLES } from './problem-codes.js';
import type { Problem } from './schemas/problem.js';

export { type ProblemCode, STATUS_BY_CODE } from './problem-codes.js';

/**
 * An error raised by the HTTP layer with a code and, rarely, a status other than the code's
 * (415 and 426 are `invalid_request` with a more precise status).
 */
export class HttpProblem extends errorFamily('HttpProblem', TITLES) {
  constructor(
    code: ProblemCode,
    message: string = TITLES[code],
    details: Record<string, unknown> = {},
    readonly status: number = STATUS_BY_CODE[code],
  ) {
    super(code, message, details);
  }
}

interface Classified {
  code: ProblemCode;
  status: number;
  detail: string;
  details: Record<string, unknown>;
}

/** Fastify's own errors, by their `code`. */
const FASTIFY_CODES: Record<string, { code: ProblemCode; status?: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'invalid_request', status: 415 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request' },
  FST_ERR_BAD_URL: { code: 'invalid_request' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid_request', status: 414 },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request' },
};

function classify(err: unknown): Classified {
  if (isLoaderError(err)) {
    return { code: err.code, status: STATUS_BY_CODE[err.code], detail: err.message, details: err.details };
  }
  if (err instanceof HttpProblem) {
    return { code: err.code, status: err.status, detail: err.message, details: err.details };
  }
  const fe = err as Partial<FastifyError> & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = fe.validationContext ?? 'request';
    const fields = err.validation.map((v) => ({
      in: where,
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message,
    }));
    return {
      code: 'invalid_request',
      status: 400,
      detail: fields.map((f) => `${f.in}${f.path ? `.${f.path}` : ''}: ${f.message}`).join('; '),
      details: { fields },
    };
  }
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) {
    const known = FASTIFY_CODES[fe.code]!;
    return {
      code: known.code,
      status: known.status ?? STATUS_BY_CODE[known.code],
      detail: fe.message ?? TITLES[known.code],
      details: {},
    };
  }
  if (err instanceof Error && isResponseSerializationError(err as never)) {
    return { code: 'internal_error', status: 500, detail: 'the answer did not match its schema', details: {} };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { code: 'invalid_request', status: fe.statusCode, detail: fe.message ?? 'invalid request', details: {} };
  }
  return { code: 'internal_error', status: 500, detail: 'the service failed to answer; see its log', details: {} };
}

/** The problem+json body for `err` answering `request`. */
export function toProblem(err: unknown, request: Pick<FastifyRequest, 'id' | 'url'>): Problem {
  const c = classify(err);
  return problemBody(c.code, c.detail, request.url, String(request.id), c.details, c.status);
}

/** Sends `problem` as application/problem+json. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="modloader"');
  if (problem.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
