/**
 * ARI's module operations over the loader, with ARI's answers: the route sends 204 when these
 * resolve; they throw an {@link HttpProblem} whose status is ARI's (404: no such module, or
 * not running where the operation needs it running; 409: could not be done, the message says
 * why). The loader's own refusals (neverload, cycles, failed loads, in_use) are 409 already.
 */
import type { LoaderApi } from '../../core/api.js';
import type { UserInfo } from '../../core/types.js';
import { HttpProblem } from '../problem.js';

const describe = (users: readonly UserInfo[]): string => users.map((u) => `${u.kind} ${u.holder}`).join(', ');

function known(loader: LoaderApi, name: string): void {
  if (!loader.has(name)) throw new HttpProblem('unknown_module', `no module named ${name}`);
}

function running(loader: LoaderApi, name: string): void {
  known(loader, name);
  if (loader.get(name).state !== 'running') throw new HttpProblem('not_running', `${name} is not running`, {}, 404);
}

/** POST: load; 409 when it already runs with the admin as a user (nothing to do). */
export async function ariLoad(loader: LoaderApi, name: string, cause: string): Promise<void> {
  known(loader, name);
  const result = await loader.load(name, { cause });
  if (result.plan.length === 0) throw new HttpProblem('in_use', `${name} is already loaded`);
}

/**
 * DELETE: a soft unload. 409 when the admin did not hold it (in_use), and when the admin's
 * use was released but other users keep it running (the message names them).
 */
export async function ariUnload(loader: LoaderApi, name: string, cause: string): Promise<void> {
  running(loader, name);
  const result = await loader.unload(name, { cause });
  if (result.state === 'running') {
    throw new HttpProblem('in_use', `released the admin's use of ${name}; it keeps running for ${describe(result.users ?? [])}`);
  }
}

/** PUT: run the module's reload(). */
export async function ariReload(loader: LoaderApi, name: string, cause: string): Promise<void> {
  running(loader, name);
  await loader.reload(name, { cause });
}
