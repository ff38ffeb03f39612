/**
 * No problem ever echoes a file's contents (SPEC 11): a file may be a secret (a symlink, a
 * password on a malformed line of a module's config). Problems name file and line; text from
 * the file is shown only when it looks like a name (a key, a module, a type), and is otherwise
 * described by its length.
 */

/** Short text of name characters: what a key, module or type name is. */
const NAME_LIKE = /^[A-Za-z0-9_.-]{1,64}$/;

/** `'text'` when `text` looks like a name, else `a value of N characters`. */
export function excerpt(text: string): string {
  return NAME_LIKE.test(text) ? `'${text}'` : `a value of ${text.length} characters`;
}

/** As {@link excerpt}, unquoted: for a name inside brackets, `[name]`. */
export function bareExcerpt(text: string): string {
  return NAME_LIKE.test(text) ? text : `a name of ${text.length} characters`;
}

/** `text` when it looks like a name, else undefined (for fields that carry a key or section). */
export function nameOrUndefined(text: string | undefined): string | undefined {
  return text !== undefined && NAME_LIKE.test(text) ? text : undefined;
}
