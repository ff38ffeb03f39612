/**
 * The service's documents as the code defines them: the OpenAPI document of the routes and the
 * AsyncAPI document of the event stream. Generating builds the app (with the OpenAPI collector)
 * over a context that refuses to be used (nothing is loaded, nothing listens), so the result
 * depends on the code alone. `npm run openapi` writes them under `openapi/`, which the service
 * serves; a test fails when the copies there differ.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp } from '../app.js';
import { TokenStore } from '../auth/token-store.js';
import type { ServiceContext } from '../context.js';
import { buildAsyncApi } from './asyncapi.js';
import { DOCUMENT_FILES } from './committed.js';

export { DOCUMENT_FILES } from './committed.js';

/** A context whose every use throws: documents must not depend on a running loader. */
function documentsOnlyContext(): ServiceContext {
  const refuse = (): never => {
    throw new Error('not available while generating documents');
  };
  const inert = new Proxy({}, { get: refuse }) as never;
  return {
    loader: inert,
    hub: inert,
    metrics: inert,
    tokens: new TokenStore([]),
    rescan: refuse,
    reloadConfig: refuse,
    lintManifest: refuse,
    manifestText: refuse,
    startedAt: 0,
    startup: inert,
    bootId: 'documents',
  };
}

export interface Documents {
  openapi: unknown;
  asyncapi: unknown;
}

export async function generateDocuments(): Promise<Documents> {
  const app = await buildApp(documentsOnlyContext(), { openapi: true });
  try {
    await app.ready();
    return { openapi: app.swagger(), asyncapi: buildAsyncApi() };
  } finally {
    await app.close();
  }
}

/** The exact text committed for a document. */
export function documentText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes both documents into `dir`. */
export async function writeDocuments(dir: string): Promise<string[]> {
  const documents = await generateDocuments();
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const key of ['openapi', 'asyncapi'] as const) {
    const path = join(dir, DOCUMENT_FILES[key]);
    await writeFile(path, documentText(documents[key]));
    written.push(path);
  }
  return written;
}
