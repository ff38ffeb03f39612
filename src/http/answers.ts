/**
 * Response maps for route schemas: the success schemas plus a problem+json schema for each
 * error status the route can answer. 400 is always possible (validation); 401 and 403 are
 * added from the route's role by the guard's documentation step.
 */
import type { z } from 'zod';
import { ProblemSchema } from './schemas/problem.js';

type ErrorStatus = 404 | 409 | 413 | 415 | 422 | 426;

export function answers<S extends Record<number, z.ZodType>>(
  success: S,
  errors: readonly ErrorStatus[] = [],
): S & Record<number, z.ZodType> {
  const map: Record<number, z.ZodType> = { ...success, 400: ProblemSchema };
  for (const status of errors) map[status] = ProblemSchema;
  return map as S & Record<number, z.ZodType>;
}
