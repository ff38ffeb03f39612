#!/usr/bin/env node
// Entry point of the `modloader` command. The TypeScript sources are compiled to dist/ by
// `npm run build`, which `npm install` / `npm ci` run through the `prepare` script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('modloader: not built yet; run `npm install` (or `npm run build`) in the checkout first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
