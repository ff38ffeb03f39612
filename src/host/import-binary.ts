/**
 * Importing a module's binary fresh, every time (the dlopen of this loader), from the bytes
 * the host verified against the manifest (evaluate-binary.ts): CommonJS and ES modules are
 * compiled from those bytes as new modules, never taken from a cache. Node.js never frees ES
 * module records: every fresh import of a binary keeps the old record alive for the life of
 * the process (see docs/writing-modules.md).
 *
 * Only the entry file is fresh: files it imports itself are cached by Node.js as usual.
 */
import { readFileSync } from 'node:fs';
import type { ModuleExports } from '../core/types.js';
import { evaluateBinary } from './evaluate-binary.js';
import { HostError } from './host-error.js';

const HOOKS = ['unload', 'reload', 'onCanuse'] as const;

/**
 * Evaluates the binary at `path` anew, from `source` (its verified bytes; read from `path`
 * when not given), and returns its exports, checked to have a `load` function (named export,
 * or `module.exports.load`, or a default-exported object's `load`).
 * Throws {@link HostError}: `import_failed` when evaluation fails, `invalid_exports` when there
 * is no `load` function or a hook is exported but not a function.
 */
export async function importBinary(name: string, path: string, source?: Buffer): Promise<ModuleExports> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await evaluateBinary(path, source ?? readFileSync(path));
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
