/**
 * What the manifest tools report about bad input: one {@link ManifestProblem} per problem,
 * naming the file and, where known, the section, key and line. Callers collect them all
 * instead of stopping at the first.
 */

/** Stable codes for manifest and source problems; tests assert on these, never on text. */
export const MANIFEST_PROBLEM_CODES = [
  /** The file could not be read. */
  'read_error',
  /** A line that is neither `[section]`, `key=value`, a comment nor blank. */
  'syntax',
  'unknown_section',
  'unknown_key',
  /** A required key (`name`, `checksum`) is absent. */
  'missing_key',
  /** A single-valued key is given more than once. */
  'repeated_key',
  /** A value breaks the format's rules (pattern, enum, priority, …). */
  'invalid_value',
  /** The same `type=name` is listed twice in one section. */
  'duplicate_entry',
  /** `name` differs from the manifest file's base name. */
  'name_mismatch',
  /** A source element that needs a `type` attribute (`<use>`, `<canuse>`, `<provides>`) has none. */
  'missing_type',
  /**
   * A `<use>` without a `type`: reported, but the module still gets its manifest, the element
   * treated as build-time only like `<depend>` (today's Asterisk writes libraries that way).
   */
  'untyped_use',
  /** A source line that holds manifest data is not exactly one well-formed element. */
  'malformed_element',
  /** A `/*** MODULEINFO` or `/*** DOCUMENTATION` block has no closing `***\/`. */
  'unterminated_block',
  /** An `AST_MODULE_INFO(...)` macro the reader cannot follow. */
  'malformed_macro',
  /** The source file's base name is not a module name. */
  'invalid_module_name',
  /** Two sources declare modules of the same name. */
  'duplicate_module',
  /** The manifest could not be written. */
  'write_error',
  /** The manifest is larger than a scan reads (256 KiB). */
  'too_large',
  /** More problems in one file than are listed. */
  'too_many_problems',
  /** More manifests in the module directory than a scan reads. */
  'too_many_manifests',
  /** A manifest or binary is a symlink leading out of the module directory. */
  'outside_module_dir',
] as const;
export type ManifestProblemCode = (typeof MANIFEST_PROBLEM_CODES)[number];

/** Problems that are reported (and fail the command) but still let the module have a manifest. */
export const NON_BLOCKING_PROBLEMS: ReadonlySet<ManifestProblemCode> = new Set(['untyped_use']);

export interface ManifestProblem {
  /** The file the input came from, as the caller named it. */
  file: string;
  /** The manifest section (`module`, `uses`, …) or the source block (`MODULEINFO`, …). */
  section?: string | undefined;
  /** The manifest key or source element. */
  key?: string | undefined;
  /** 1-based line in `file`, where known. */
  line?: number | undefined;
  code: ManifestProblemCode;
  message: string;
}

/** One line, compiler style: `file:line: [section] key: message`. */
export function formatProblem(problem: ManifestProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const section = problem.section === undefined ? '' : `[${problem.section}] `;
  const key = problem.key === undefined ? '' : `${problem.key}: `;
  return `${where}: ${section}${key}${problem.message}`;
}
