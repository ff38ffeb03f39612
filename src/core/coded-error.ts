/**
 * The one error factory. Each family of errors — the loader's, the config readers', the module
 * host's, the HTTP layer's — is a class made here from its own registry of stable codes and
 * default messages (as fastify's `createError` makes its errors): every error has a `code`
 * callers and tests branch on (never the message) and `details` in snake_case, rendered as
 * problem+json extension members where an error reaches HTTP.
 */

/** An error with a stable code from its family's registry. */
export interface CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Record<string, unknown>;
}

/** A family's codes, each with its default message. */
export type ErrorRegistry = Readonly<Record<string, string>>;

/**
 * The base class of one family: `class ConfError extends errorFamily('ConfError', CODES) {}`.
 * Its `codes` is the registry; `is(err)` tells a member of this family from anything else.
 */
export function errorFamily<const R extends ErrorRegistry>(name: string, registry: R) {
  type Code = keyof R & string;
  return class FamilyError extends Error implements CodedError<Code> {
    static readonly codes: R = registry;
    override readonly name: string = name;
    constructor(
      readonly code: Code,
      message: string = registry[code]!,
      readonly details: Record<string, unknown> = {},
      options?: ErrorOptions,
    ) {
      super(message, options);
    }
  };
}

/** Whether `err` carries a stable code (any family). */
export function isCodedError(err: unknown): err is CodedError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && typeof (err as { details?: unknown }).details === 'object';
}
