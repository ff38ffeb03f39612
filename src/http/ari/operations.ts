/**
 * ARI's module operations: the shared Asterisk-style operations (src/asterisk/module-actions.ts)
 * with their refusals as ARI's statuses, 404 (no such module, or not running where needed) and
 * 409 (could not be done; the message says why). The route answers 204 when these resolve.
 */
import type { LoaderApi } from '../../core/api.js';
import { AsteriskRefusal, loadModule, reloadModule, unloadModule } from '../../asterisk/module-actions.js';
import { HttpProblem } from '../problem.js';

async function answer(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof AsteriskRefusal)) throw err;
    throw new HttpProblem(err.kind === 'not_found' ? 'unknown_module' : 'in_use', err.message, {}, err.kind === 'not_found' ? 404 : 409);
  }
}

export const ariLoad = (loader: LoaderApi, name: string, cause: string): Promise<void> => answer(() => loadModule(loader, name, cause));
export const ariUnload = (loader: LoaderApi, name: string, cause: string): Promise<void> => answer(() => unloadModule(loader, name, cause));
export const ariReload = (loader: LoaderApi, name: string, cause: string): Promise<void> => answer(() => reloadModule(loader, name, cause));
