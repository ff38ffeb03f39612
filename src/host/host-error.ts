/**
 * Errors of the Node.js module host, each with a stable code (callers and tests branch on the
 * code, never on the message).
 */
import { errorFamily } from '../core/coded-error.js';

export const HOST_ERROR_CODES = {
  invalid_name: 'The name is not a module name',
  no_binary: 'The module directory has no binary (.js, .mjs or .cjs) for the module',
  outside_module_dir: "The module's binary is a symlink to a file outside the module directory",
  import_failed: "The module's binary could not be imported (syntax error, a throw at top level, …)",
  invalid_exports: 'The module does not export a load function (or exports a hook that is not a function)',
} as const;

export type HostErrorCode = keyof typeof HOST_ERROR_CODES;

/** A host error, about one module (`details.module`). */
export class HostError extends errorFamily('HostError', HOST_ERROR_CODES) {
  constructor(
    code: HostErrorCode,
    /** The module the error is about. */
    readonly module: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, { module }, options);
  }
}
