/**
 * The service's {@link LoaderHost}: modules are files in a module directory, config files are
 * files in a config directory, module logs are pino child loggers.
 *
 * One read per binary: `checksum` reads the binary (or takes the bytes the startup scan read,
 * when the file is still the one it read) and keeps the bytes; the `importLib` that follows
 * evaluates exactly those bytes, so the code that runs is the code whose digest the loader
 * compared with the manifest.
 */
import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { isModuleName } from '../core/names.js';
import type { LoaderHost } from '../core/types.js';
import { leadsOutsideSync } from '../conf/inside-dir.js';
import { readConfFile } from '../conf/read-conf-file.js';
import { digestOf, findBinary } from './binary.js';
import { openScope, runInScope } from './fault/module-scope.js';
import { wrapExports } from './fault/wrap-exports.js';
import { HostError } from './host-error.js';
import { importBinary } from './import-binary.js';
import { identityOf, readWithIdentity, sameIdentity, type ScannedBinaries, type ScannedBinary } from './scanned-binaries.js';

export interface NodeHostOptions {
  /** Where `<name>.js` / `.mjs` / `.cjs` binaries live. */
  modulesDir: string;
  /** Where `ctx.config(file)` reads from. */
  configDir: string;
  logger: Logger;
  /** Binaries the startup scan read (`scanModuleDir`'s `keep`), each used by one load. */
  scanned?: ScannedBinaries | undefined;
}

/**
 * A host over real directories. Module code runs in per-module async contexts
 * (`fault/module-scope.ts`). `checksum` and `importLib` throw {@link HostError}
 * (`invalid_name`, `no_binary`, `outside_module_dir`, `import_failed`, `invalid_exports`);
 * `readConfig` throws `ConfError` (`invalid_file_name` for anything but a bare `*.conf` name,
 * or a syntax error naming file and line) and resolves null when the file is absent.
 */
export function createNodeHost(options: NodeHostOptions): LoaderHost {
  const { modulesDir, configDir, logger, scanned } = options;

  async function binaryOf(name: string): Promise<string> {
    if (!isModuleName(name)) throw new HostError('invalid_name', name, `${JSON.stringify(name)} is not a module name`);
    const path = await findBinary(modulesDir, name);
    if (path === null) throw new HostError('no_binary', name, `module ${name}: no ${name}.js, ${name}.mjs or ${name}.cjs in ${modulesDir}`);
    if (leadsOutsideSync(modulesDir, path)) {
      throw new HostError('outside_module_dir', name, `module ${name}: its binary is a symlink to a file outside the module directory: refused`);
    }
    return path;
  }

  /** What the scan read of `name`'s binary, when the file at `path` is still that one. */
  function fromScan(name: string, path: string, algorithm: 'md5' | 'sha256'): ScannedBinary | undefined {
    const kept = scanned?.take(name);
    if (!kept || kept.path !== path || kept.algorithm !== algorithm) return undefined;
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats && sameIdentity(kept.identity, identityOf(stats)) ? kept : undefined;
  }

  // The loader verifies a binary's checksum right before importing it (a few modules ahead):
  // the bytes that were hashed wait here for the import.
  const verified = new Map<string, { path: string; bytes: Buffer }>();

  return {
    async checksum(name, algorithm) {
      const path = await binaryOf(name);
      const kept = fromScan(name, path, algorithm);
      const bytes = kept ? kept.bytes : readWithIdentity(path).bytes;
      verified.set(name, { path, bytes });
      return kept ? kept.digest : digestOf(algorithm, bytes);
    },
    async importLib(name) {
      const checked = verified.get(name);
      verified.delete(name);
      const args: Parameters<typeof importBinary> = checked ? [name, checked.path, checked.bytes] : [name, await binaryOf(name)];
      // The import and every hook run in the module's own async context (SPEC 6.16).
      const scope = openScope(name);
      return wrapExports(scope, await runInScope(scope, importBinary, undefined, args));
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
