/**
 * The service's {@link LoaderHost}: modules are files in a module directory, config files are
 * files in a config directory, module logs are pino child loggers.
 */
import type { Logger } from 'pino';
import { isModuleName } from '../core/names.js';
import type { LoaderHost } from '../core/types.js';
import { leadsOutsideSync } from '../conf/inside-dir.js';
import { readConfFile } from '../conf/read-conf-file.js';
import { fileChecksum, findBinary } from './binary.js';
import { openScope, runInScope } from './fault/module-scope.js';
import { wrapExports } from './fault/wrap-exports.js';
import { HostError } from './host-error.js';
import { importBinary } from './import-binary.js';

export interface NodeHostOptions {
  /** Where `<name>.js` / `.mjs` / `.cjs` binaries live. */
  modulesDir: string;
  /** Where `ctx.config(file)` reads from. */
  configDir: string;
  logger: Logger;
}

/**
 * A host over real directories. Module code runs in per-module async contexts
 * (`fault/module-scope.ts`). `checksum` and `importLib` throw {@link HostError}
 * (`invalid_name`, `no_binary`, `outside_module_dir`, `import_failed`, `invalid_exports`);
 * `readConfig` throws
 * `ConfError` (`invalid_file_name` for anything but a bare `*.conf` name, or a syntax error
 * naming file and line) and resolves null when the file is absent.
 */
export function createNodeHost(options: NodeHostOptions): LoaderHost {
  const { modulesDir, configDir, logger } = options;

  async function binaryOf(name: string): Promise<string> {
    if (!isModuleName(name)) throw new HostError('invalid_name', name, `${JSON.stringify(name)} is not a module name`);
    const path = await findBinary(modulesDir, name);
    if (path === null) throw new HostError('no_binary', name, `module ${name}: no ${name}.js, ${name}.mjs or ${name}.cjs in ${modulesDir}`);
    if (leadsOutsideSync(modulesDir, path)) {
      throw new HostError('outside_module_dir', name, `module ${name}: its binary is a symlink to a file outside the module directory: refused`);
    }
    return path;
  }

  // The loader verifies a binary's checksum right before importing it: the import reuses the
  // path the checksum found instead of searching the directory again.
  const verified = new Map<string, string>();

  return {
    async checksum(name, algorithm) {
      const path = await binaryOf(name);
      verified.set(name, path);
      return fileChecksum(path, algorithm);
    },
    async importLib(name) {
      const path = verified.get(name) ?? (await binaryOf(name));
      verified.delete(name);
      // The import and every hook run in the module's own async context (SPEC 6.16).
      const scope = openScope(name);
      return wrapExports(scope, await runInScope(scope, importBinary, undefined, [name, path]));
    },
    readConfig(file) {
      return readConfFile(configDir, file);
    },
    moduleLog(name) {
      return logger.child({ module: name });
    },
    now() {
      return Date.now();
    },
  };
}
