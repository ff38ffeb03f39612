/**
 * `npm run openapi`: regenerates `openapi/openapi.json` and `openapi/asyncapi.json` from the
 * code (run from the compiled tree). Commit the result; test/http/documents.test.ts fails
 * while the committed copies differ from what the code generates.
 */
import { join } from 'node:path';
import { packageRoot } from '../settings.js';
import { writeDocuments } from './documents.js';

for (const path of await writeDocuments(join(packageRoot(), 'openapi'))) process.stdout.write(`wrote ${path}\n`);
