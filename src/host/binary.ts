/**
 * A module's "binary": the `<name>.js`, `.mjs` or `.cjs` file in the module directory (SPEC 2),
 * and its checksum. Names are validated before they get here; nothing else becomes a path.
 */
import * as crypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isModuleName } from '../core/names.js';

/** Binary suffixes in the order they are looked for. */
export const BINARY_SUFFIXES = ['.js', '.mjs', '.cjs'] as const;

/**
 * The path of module `name`'s binary in `dir`, or null when there is none.
 * Throws when `name` is not a module name (so no request can steer a path).
 */
export async function findBinary(dir: string, name: string): Promise<string | null> {
  if (!isModuleName(name)) throw new Error(`not a module name: ${JSON.stringify(name)}`);
  for (const suffix of BINARY_SUFFIXES) {
    const path = join(dir, name + suffix);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Hex digest of a file. Read synchronously: binaries are small, and one synchronous read is a
 * few system calls where an asynchronous one is four thread-pool round trips (figure 3 of the
 * benchmarks); callers that handle many files yield to the event loop between them.
 */
export async function fileChecksum(path: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  return digestOf(algorithm, readFileSync(path));
}

/** `crypto.hash` (Node.js 20.12+: one call, no Hash object to collect), else a Hash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'hex') => string }).hash;

/** Hex digest of `bytes`. */
export function digestOf(algorithm: 'md5' | 'sha256', bytes: Buffer): string {
  return oneShot ? oneShot(algorithm, bytes, 'hex') : crypto.createHash(algorithm).update(bytes).digest('hex');
}

/** A manifest checksum string for a digest: md5 bare, sha256 prefixed (SPEC 3). */
export function formatChecksum(algorithm: 'md5' | 'sha256', digest: string): string {
  return algorithm === 'sha256' ? `sha256:${digest}` : digest;
}
