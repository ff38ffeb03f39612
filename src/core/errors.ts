/**
 * The one registry of stable error codes (SPEC 9). The core throws {@link LoaderError}; the HTTP
 * layer maps `code` to a status with its own table and renders problem+json. Tests assert on
 * codes, never on message text.
 */

export const ERROR_CODES = {
  invalid_request: 'The request is not valid',
  unauthorized: 'A valid bearer token is required',
  forbidden: 'The token does not carry the role this needs',
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
  payload_too_large: 'The request body is too large',
  manifest_invalid: 'The manifest is not valid',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LoaderError extends Error {
  override readonly name = 'LoaderError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    /** Machine-readable details, snake_case, rendered as problem+json extension members. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isLoaderError(err: unknown): err is LoaderError {
  return err instanceof LoaderError;
}
