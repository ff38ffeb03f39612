/**
 * Importing a module's binary fresh, every time (the dlopen of this loader).
 *
 * - `.cjs` goes through `require`, after deleting its entry from the require cache, so a new
 *   `Module` is made and the old one can be garbage collected once nothing references it.
 * - `.js` and `.mjs` go through `import()` with a query (`?modloader_import=<n>`) that makes a new URL, and
 *   so a new ES module record, each time. Node.js never frees ES module records: every fresh
 *   import of a binary keeps the old record alive for the life of the process (see
 *   docs/writing-modules.md). The require-cache entry is deleted first too, since a `.js` file
 *   outside a `"type": "module"` package is CommonJS and `import()` would otherwise hand back
 *   the cached copy.
 *
 * Only the entry file is fresh: files it imports itself are cached by Node.js as usual.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ModuleExports } from '../core/types.js';
import { HostError } from './host-error.js';

const require = createRequire(import.meta.url);
let generation = 0;

/**
 * The query key that makes each import a new module URL. Not `v` or `t`: test runners built on
 * Vite (vitest) strip those two from module ids, which would hand back the cached copy.
 */
const FRESH_QUERY = 'modloader_import';


const HOOKS = ['unload', 'reload', 'onCanuse'] as const;

/**
 * Evaluates the binary at `path` anew and returns its exports, checked to have a `load`
 * function (named export, or `module.exports.load`, or a default-exported object's `load`).
 * Throws {@link HostError}: `import_failed` when evaluation fails, `invalid_exports` when there
 * is no `load` function or a hook is exported but not a function.
 */
export async function importBinary(name: string, path: string): Promise<ModuleExports> {
  delete require.cache[path];
  let namespace: Record<string, unknown>;
  try {
    if (path.endsWith('.cjs')) {
      namespace = require(path) as Record<string, unknown>;
    } else {
      generation += 1;
      namespace = (await import(`${pathToFileURL(path).href}?${FRESH_QUERY}=${generation}`)) as Record<string, unknown>;
    }
  } catch (err) {
    throw new HostError('import_failed', name, `module ${name}: importing ${path} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  return checkExports(name, path, namespace);
}

function checkExports(name: string, path: string, namespace: Record<string, unknown>): ModuleExports {
  const fallback = namespace['default'];
  const exports =
    typeof namespace['load'] !== 'function' && typeof fallback === 'object' && fallback !== null && typeof (fallback as Record<string, unknown>)['load'] === 'function'
      ? (fallback as Record<string, unknown>)
      : namespace;
  if (typeof exports['load'] !== 'function') {
    throw new HostError('invalid_exports', name, `module ${name}: ${path} does not export a load(ctx) function`);
  }
  for (const hook of HOOKS) {
    if (exports[hook] !== undefined && typeof exports[hook] !== 'function') {
      throw new HostError('invalid_exports', name, `module ${name}: ${path} exports ${hook}, but it is not a function`);
    }
  }
  return exports as unknown as ModuleExports;
}
