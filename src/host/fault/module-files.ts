/**
 * Which modules' files a stack trace goes through. A module's file is
 * `<modules dir>/<name>.js|.mjs|.cjs` (SPEC 2), reached by its path (CommonJS) or its file URL,
 * with the host's `?modloader_import=<n>` query (ES modules); helper files in the directory or
 * below it are not modules. The directory is matched both as given and resolved (symbolic links
 * followed), as Node.js names ES module files by their real path.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callSites } from './call-sites.js';

/** Finds module files in stack text. */
export interface ModuleFiles {
  /** The module names of the files the text mentions, in order of appearance (innermost frame first). */
  inText(text: string): string[];
  /** The modules whose code is on the calling thread's stack now, innermost first. */
  onStack(): string[];
}

const NAME = '([A-Za-z0-9_-]{1,64})\\.(?:js|mjs|cjs)(?=[?#:)\\s]|$)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function moduleFiles(modulesDir: string): ModuleFiles {
  const dirs = new Set([resolve(modulesDir)]);
  try {
    dirs.add(realpathSync(modulesDir));
  } catch {
    // The directory is gone: its given path is all there is to match.
  }
  const prefixes = [...dirs].flatMap((dir) => [dir, pathToFileURL(dir).href]);
  const pattern = new RegExp(`(?:${prefixes.map(escapeRegExp).join('|')})/${NAME}`, 'g');

  const inText = (text: string): string[] => [...text.matchAll(pattern)].map((match) => match[1]!);
  function onStack(): string[] {
    return callSites(200, onStack).flatMap((site) => inText(site.getFileName() ?? ''));
  }
  return { inText, onStack };
}
