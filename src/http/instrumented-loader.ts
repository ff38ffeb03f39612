/**
 * A {@link LoaderApi} that times and counts every operation for the metrics, and otherwise is
 * the loader itself. Reads pass straight through.
 */
import type { LoaderApi } from '../core/api.js';
import { isLoaderError } from '../core/errors.js';

/** Operation methods and the kind (as in the op log) each is counted under. */
const OPERATIONS: Partial<Record<keyof LoaderApi, string>> = {
  load: 'load',
  unload: 'unload',
  reload: 'reload',
  addUser: 'add_user',
  releaseUser: 'release_user',
  startup: 'startup',
  shutdown: 'shutdown',
  rescan: 'rescan',
  setPolicy: 'set_policy',
  fault: 'fault',
};

export function instrumentLoader(
  loader: LoaderApi,
  observe: (kind: string, result: string, seconds: number) => void,
): LoaderApi {
  return new Proxy(loader, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      const kind = typeof property === 'string' ? OPERATIONS[property as keyof LoaderApi] : undefined;
      if (kind === undefined || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const result: unknown = await value.apply(target, args);
          observe(kind, 'ok', (performance.now() - started) / 1000);
          return result;
        } catch (err) {
          observe(kind, isLoaderError(err) ? err.code : 'error', (performance.now() - started) / 1000);
          throw err;
        }
      };
    },
  });
}
