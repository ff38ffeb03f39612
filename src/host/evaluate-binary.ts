/**
 * Evaluating a module's binary from the bytes the host verified, so the code that runs is the
 * code whose checksum matched its manifest: Node.js never reads the file again (no window
 * between the check and the read in which the file could change).
 *
 * The bytes are compiled in this thread through Node's own module compiler, the way
 * `require()` does it: `Module.prototype._compile(source, filename, format)`, which compiles
 * CommonJS with the module wrapper and, for ES modules (Node.js 20.19 and later:
 * `process.features.require_module`), links and evaluates the ES module synchronously in the
 * ES module loader (relative and package imports, `import.meta`, dynamic `import()` all work).
 * Measured in docs/benchmarks.md, this costs about a third of an `import()` of the file, which
 * resolves the URL on disk and reads the file asynchronously.
 *
 * An ES module that cannot be evaluated synchronously (top-level await anywhere in its graph:
 * refused before any of it runs) and any ES module on older Node.js versions go through
 * `import()`, with the verified bytes served to Node's loader by a `module.register` hook
 * (verified-import.ts).
 *
 * Every evaluation is a new module: CommonJS never enters the require cache; an ES module gets
 * a filename of its own, `<path>?modloader_import=<n>` (so `import.meta.url` ends in
 * `%3Fmodloader_import=<n>`; `import.meta.dirname` is the module directory).
 */
import { readFileSync, realpathSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, parse } from 'node:path';
import { Script } from 'node:vm';
import { importVerified } from './verified-import.js';

/** What `Module.prototype._compile` is (public since the first Node.js; `format` since 20.19). */
interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  loaded: boolean;
  _compile(content: string, filename: string, format?: 'module' | 'commonjs'): unknown;
}

const ModuleClass = Module as unknown as {
  new (id: string): CompilableModule;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

/** Node.js evaluates ES modules synchronously from source (require(esm)). */
const SYNC_ESM = (process.features as { require_module?: boolean }).require_module === true;

/** The query key that marks each evaluation of an ES module as a module of its own. */
export const FRESH_QUERY = 'modloader_import';
let generation = 0;

/**
 * Evaluates `source` (the verified bytes of the file at `binary`) as a new module and answers
 * its exports (for an ES module, its namespace). Throws what evaluation throws.
 */
export async function evaluateBinary(binary: string, source: Buffer): Promise<Record<string, unknown>> {
  // Named by its real path, as Node.js names what it imports (a symlinked binary's own imports
  // resolve beside the file it links to).
  const path = realpathSync.native(binary);
  const format = formatOf(path) ?? (hasModuleSyntax(path, source) ? 'module' : 'commonjs');
  if (format === 'commonjs') return compile(path, source, path, 'commonjs') as Record<string, unknown>;
  generation += 1;
  const fresh = `${path}?${FRESH_QUERY}=${generation}`;
  if (SYNC_ESM) {
    try {
      return compile(path, source, fresh, format) as Record<string, unknown>;
    } catch (err) {
      // Refused before anything of it ran: safe to evaluate through import() instead.
      if ((err as { code?: unknown })?.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    }
  }
  return importVerified(path, `${FRESH_QUERY}=${generation}`, source);
}

function compile(path: string, source: Buffer, filename: string, format: 'module' | 'commonjs' | undefined): unknown {
  const module = new ModuleClass(filename);
  module.filename = filename;
  module.paths = ModuleClass._nodeModulePaths(dirname(path));
  module._compile(source.toString('utf8'), filename, format);
  module.loaded = true;
  return module.exports;
}

/**
 * How Node.js would take the file: `.mjs` ES module, `.cjs` CommonJS, `.js` by the `"type"`
 * of the nearest package.json; undefined when none says (Node.js then goes by the syntax).
 */
function formatOf(path: string): 'module' | 'commonjs' | undefined {
  if (path.endsWith('.mjs')) return 'module';
  if (path.endsWith('.cjs')) return 'commonjs';
  const type = packageType(dirname(path));
  return type === 'module' || type === 'commonjs' ? type : undefined;
}

/** The errors with which Node.js decides a `.js` without a package "type" is an ES module. */
const MODULE_SYNTAX =
  /Cannot use import statement outside a module|Unexpected token 'export'|Cannot use 'import\.meta' outside a module|await is only valid in async functions and the top level bodies of modules/;

/**
 * Without a package "type", ES module syntax makes an ES module, as Node.js decides it: the
 * source does not compile as CommonJS for a reason only ES module syntax gives (compiled
 * here, not run).
 */
function hasModuleSyntax(path: string, source: Buffer): boolean {
  try {
    new Script(ModuleClass.wrap(source.toString('utf8')), { filename: path });
    return false;
  } catch (err) {
    return err instanceof SyntaxError && MODULE_SYNTAX.test(err.message);
  }
}

/**
 * The `"type"` of the package.json nearest to `dir` (as Node.js looks for it: upwards, not past
 * a `node_modules` directory): its value, undefined when that file has none, null when there
 * is no package.json at all. Cached per directory for the life of the process, as Node.js
 * caches package.json files.
 */
const packageTypes = new Map<string, string | null | undefined>();

function packageType(dir: string): string | null | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | null | undefined = null;
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const value = (JSON.parse(text) as { type?: unknown }).type;
      type = typeof value === 'string' ? value : undefined;
    } catch {
      type = undefined;
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir || parse(dir).base === 'node_modules' ? null : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}
