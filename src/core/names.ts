/**
 * Module names. SPEC 2: names match `^[A-Za-z0-9_-]{1,64}$`; input may carry a `.so`, `.js`,
 * `.mjs` or `.cjs` suffix, which is stripped. Nothing else is ever turned into a path, so a
 * name that passes {@link parseModuleName} can safely be joined to the module directory.
 */

export const MODULE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const SUFFIX = /\.(so|js|mjs|cjs)$/;

/** True when `name` is a valid module name (no suffix). */
export function isModuleName(name: string): boolean {
  return MODULE_NAME_PATTERN.test(name);
}

/**
 * Strips one accepted suffix and validates. Returns the bare name, or `undefined` when the
 * input is not a module name (contains `/`, `..`, NUL, is too long, …).
 */
export function parseModuleName(input: string): string | undefined {
  const bare = input.replace(SUFFIX, '');
  return isModuleName(bare) ? bare : undefined;
}

/** Provider and dependency types (SPEC 3): an open set of `[a-z][a-z0-9_]*`. */
export const TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

/** The one key under which `type=name` is indexed, in the provider index and the API registry. */
export function providerKey(type: string, name: string): string {
  return `${type}\u0000${name}`;
}

/** The `type` and `name` of a {@link providerKey}. */
export function splitProviderKey(key: string): { type: string; name: string } {
  const at = key.indexOf('\u0000');
  return { type: key.slice(0, at), name: key.slice(at + 1) };
}
