/**
 * An in-memory {@link LoaderHost} whose modules are all the same trivial code: one shared
 * exports object whose load() succeeds. Used where only the loader's own work may count
 * (planning, heap per module): no files, no imports, no per-module code.
 */
import type { LoaderHost, ModuleExports, ModuleLog } from '../../src/core/types.js';
import { PLACEHOLDER_CHECKSUM } from '../graph/generate-graph.js';

const SILENT: ModuleLog = { debug() {}, info() {}, warn() {}, error() {} };

/** The one lib every module of a trivial host imports. */
export const TRIVIAL_LIB: ModuleExports = {
  load: () => 'success',
};

export function trivialHost(): LoaderHost {
  return {
    checksum: async () => PLACEHOLDER_CHECKSUM,
    importLib: async () => TRIVIAL_LIB,
    readConfig: async () => null,
    moduleLog: () => SILENT,
    now: () => Date.now(),
  };
}
