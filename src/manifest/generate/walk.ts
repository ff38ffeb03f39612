/**
 * Lists the module sources under a directory: `.c`, `.js`, `.mjs`, `.cjs` and `.ts` files
 * (not `.d.ts`), recursively, in a stable order. Hidden directories, `node_modules` and
 * symbolic links to directories are not entered (no loops, no vendored code).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sourceKind, type SourceKind } from './read-source.js';

export interface SourceFile {
  file: string;
  kind: SourceKind;
}

const SKIPPED_DIRS = new Set(['node_modules']);

/** Every source file under `dir`, sorted by path. Throws only when `dir` itself can't be read. */
export async function listSources(dir: string): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  const pending = [dir];
  let first = true;
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if (first) throw err;
      continue; // a subdirectory that vanished or can't be read: nothing to list there
    } finally {
      first = false;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) pending.push(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const kind = sourceKind(entry.name);
        if (kind) found.push({ file: path, kind });
      }
    }
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
