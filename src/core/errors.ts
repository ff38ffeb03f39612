/**
 * The loader core's error codes (SPEC 9): exactly what the core throws. The HTTP layer keeps
 * its own codes (authentication, bodies, readiness, …) beside these and maps every code to a
 * status with one table (src/http/problem.ts). Tests assert on codes, never on message text.
 */
import { errorFamily } from './coded-error.js';

export const ERROR_CODES = {
  unknown_module: 'No such module',
  user_not_found: 'No such user',
  in_use: 'The module is in use',
  not_running: 'The module is not running',
  neverload: 'The module is banned by neverload',
  dependency_cycle: 'The dependencies form a cycle',
  unresolved_dependency: 'A dependency has no provider',
  checksum_mismatch: "The module's binary does not match its manifest checksum",
  load_failed: 'The module failed to load',
  lib_blocked: "The module's lib is blocked from unloading and cannot be replaced until restart",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What the core throws: a code of {@link ERROR_CODES} and machine-readable details. */
export class LoaderError extends errorFamily('LoaderError', ERROR_CODES) {}

export function isLoaderError(err: unknown): err is LoaderError {
  return err instanceof LoaderError;
}
