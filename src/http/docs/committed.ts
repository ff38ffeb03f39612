/**
 * The committed documents under `openapi/` as the service serves them: read once on first use,
 * never rebuilt at boot. test/http/docs/documents.test.ts keeps them equal to what the code
 * generates (`npm run openapi`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../settings.js';

/** The file names under `openapi/`. */
export const DOCUMENT_FILES = { openapi: 'openapi.json', asyncapi: 'asyncapi.json' } as const;

export type DocumentKey = keyof typeof DOCUMENT_FILES;

const read = new Map<DocumentKey, Promise<Buffer>>();

/** The committed document's bytes (JSON). */
export function committedDocument(key: DocumentKey): Promise<Buffer> {
  let bytes = read.get(key);
  if (!bytes) {
    bytes = readFile(join(packageRoot(), 'openapi', DOCUMENT_FILES[key]));
    // A failed read is tried again on the next request.
    bytes.catch(() => read.delete(key));
    read.set(key, bytes);
  }
  return bytes;
}
