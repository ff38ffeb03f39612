/**
 * The one error family of the config readers. Every finding about a config file names the file
 * and, when it comes from a line, that line; `code` is stable (tests and callers branch on it,
 * never on the message text).
 */
import { errorFamily } from '../core/coded-error.js';

/** Stable codes of {@link ConfError}, each with what it means. */
export const CONF_ERROR_CODES = {
  // syntax (parse.ts)
  entry_outside_section: 'An entry appears before any [section] header',
  malformed_line: 'The line is neither a [section] header nor a key=value / key => value entry',
  malformed_section: 'The [section] header is malformed',
  empty_key: 'The entry has no key before its = sign',
  directive_refused: '#include, #tryinclude and #exec are not supported: no config file reaches outside itself',
  unknown_template: 'A section inherits from a template that is not defined above it',
  unterminated_comment: 'A ;-- block comment is never closed with --;',
  template_too_deep: 'Templates inherit from templates more than 32 levels deep',
  template_too_large: 'Sections copy more than 250,000 entries from templates in the file',
  // meaning (policy.ts, tokens.ts)
  unknown_section: 'The section is not one this file may contain',
  unknown_key: 'The key is not one this section may contain',
  invalid_value: 'The value is not valid for its key',
  invalid_module_name: 'The value is not a module name (letters, digits, _ and -, optionally with .so/.js/.mjs/.cjs)',
  invalid_type: 'A type= switch names an invalid type (must match [a-z][a-z0-9_]*)',
  invalid_name: 'The value is not a valid provider name',
  same_without_exten: 'A same => line has no exten => line before it in its context',
  invalid_priority: 'The dialplan priority is not a number, n, s, hint or a known label',
  invalid_application: 'The dialplan step does not name an application',
  missing_secret: 'A client section of tokens.conf has no secret=',
  invalid_secret: 'The secret is not usable as a bearer token (letters, digits and -._~+/= only)',
  short_secret: 'The secret is shorter than 16 characters',
  missing_role: 'A client section of tokens.conf has no role=',
  unknown_role: 'The role is not read, operate or admin',
  repeated_key: 'A key that may appear once appears again',
  duplicate_client: 'Two client sections of tokens.conf have the same name',
  duplicate_secret: 'Two clients of tokens.conf share one secret',
  // files (read-conf-file.ts, config-dir.ts)
  invalid_file_name: 'Only bare file names ending in .conf may be read from the config directory',
  unreadable: 'The file exists but cannot be read',
  too_large: 'The file is larger than the config readers accept',
  outside_config_dir: 'The file is a symlink to a file outside the config directory',
  config_dir_missing: 'The config directory does not exist',
} as const;

export type ConfErrorCode = keyof typeof CONF_ERROR_CODES;

/**
 * A finding about a config file. `line` is 1-based; 0 means the file as a whole (it could not
 * be read, or its name was refused). The message reads `file:line: detail`; `details` carries
 * `file` and `line`.
 */
export class ConfError extends errorFamily('ConfError', CONF_ERROR_CODES) {
  constructor(
    code: ConfErrorCode,
    readonly file: string,
    readonly line: number,
    /** What is wrong, without the location. */
    readonly detail: string = CONF_ERROR_CODES[code],
  ) {
    super(code, `${line > 0 ? `${file}:${line}` : file}: ${detail}`, { file, line });
  }
}

export function isConfError(err: unknown): err is ConfError {
  return err instanceof ConfError;
}
