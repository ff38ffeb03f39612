/**
 * Runs once before the suite: generates the manifests of the sample module set in ./modules
 * (the build's `make all` step), so tests always see manifests that match the sources and
 * binaries as they are now. Fails the run, naming file and line, if a sample source is broken.
 * Builds the web console too (as `npm run build` does), so the service serves the current one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateManifests } from '../src/manifest/generate/generate.js';
import { buildConsole } from '../src/http/console/build.js';
import { packageRoot } from '../src/http/settings.js';
import { formatProblem } from '../src/manifest/problem.js';

export const SAMPLE_MODULES = fileURLToPath(new URL('../modules', import.meta.url));

export default async function setup(): Promise<void> {
  await buildConsole(packageRoot());
  if (!existsSync(SAMPLE_MODULES)) return;
  const { errors } = await generateManifests(SAMPLE_MODULES);
  if (errors.length > 0) {
    throw new Error(`the sample modules' manifests could not be generated:\n${errors.map(formatProblem).join('\n')}`);
  }
}
