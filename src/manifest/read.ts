/**
 * Manifest files on disk: listing a module directory's `*.manifest` files and reading one.
 * Reading never throws; an unreadable file is a `read_error` problem like any other.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type ParseResult } from './parse.js';

/** The `*.manifest` files directly in `dir`, sorted. Throws when `dir` can't be read. */
export async function listManifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.manifest') && e.name.length > '.manifest'.length)
    .map((e) => join(dir, e.name))
    .sort();
}

/** Reads and parses one manifest file (its `name` must equal its base name). */
export async function readManifestFile(path: string): Promise<ParseResult & { text?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [{ file: path, code: 'read_error', message: (err as Error).message }] };
  }
  return { ...parseManifest(text, path), text };
}
