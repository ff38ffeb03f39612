/**
 * The module operations as Asterisk's interfaces (ARI, AMI) have them, over the loader: each
 * resolves when done and otherwise throws an {@link AsteriskRefusal} that says whether the
 * module was not found (or is not running where that is needed) or the operation could not
 * be done, with the loader's reason. ARI answers these 404 and 409; AMI `Response: Error`.
 *
 * Where the loader differs from Asterisk, the answers say what happened: loading a module
 * that already runs for the admin is refused as Asterisk refuses it; a soft unload that
 * released the admin's use while other users keep the module running is refused naming them.
 */
import type { LoaderApi } from '../core/api.js';
import { isLoaderError } from '../core/errors.js';
import type { UserInfo } from '../core/types.js';

export class AsteriskRefusal extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    message: string,
    /** The loader's error code, when the loader refused. */
    readonly code?: string,
  ) {
    super(message);
  }
}

const describe = (users: readonly UserInfo[]): string => users.map((u) => `${u.kind} ${u.holder}`).join(', ');

function known(loader: LoaderApi, name: string): void {
  if (!loader.has(name)) throw new AsteriskRefusal('not_found', `no module named ${name}`, 'unknown_module');
}

function running(loader: LoaderApi, name: string): void {
  known(loader, name);
  if (loader.get(name).state !== 'running') throw new AsteriskRefusal('not_found', `${name} is not running`, 'not_running');
}

/** Runs a loader operation, turning its refusals into {@link AsteriskRefusal}s. */
async function operate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isLoaderError(err)) throw err;
    throw new AsteriskRefusal(err.code === 'unknown_module' ? 'not_found' : 'conflict', err.message, err.code);
  }
}

/** True when the module runs now. */
export function isRunning(loader: LoaderApi, name: string): boolean {
  return loader.has(name) && loader.get(name).state === 'running';
}

/** Load: the admin becomes a user; refused when it already runs for the admin. */
export async function loadModule(loader: LoaderApi, name: string, cause: string): Promise<void> {
  known(loader, name);
  const result = await operate(() => loader.load(name, { cause }));
  if (result.plan.length === 0) throw new AsteriskRefusal('conflict', `${name} is already loaded`);
}

/** Soft unload: release the admin's use; refused when that does not stop the module. */
export async function unloadModule(loader: LoaderApi, name: string, cause: string): Promise<void> {
  running(loader, name);
  const result = await operate(() => loader.unload(name, { cause }));
  if (result.state === 'running') {
    throw new AsteriskRefusal('conflict', `released the admin's use of ${name}; it keeps running for ${describe(result.users ?? [])}`, 'in_use');
  }
}

/** Runs the module's reload(). */
export async function reloadModule(loader: LoaderApi, name: string, cause: string): Promise<void> {
  running(loader, name);
  await operate(() => loader.reload(name, { cause }));
}

/**
 * Unload then load, as Asterisk's refresh: only when the soft unload would stop the module
 * (refused, changing nothing, while other users hold it); a module not running is loaded.
 */
export async function refreshModule(loader: LoaderApi, name: string, cause: string): Promise<void> {
  known(loader, name);
  if (isRunning(loader, name)) {
    const dry = await operate(() => loader.unload(name, { cause, dryRun: true }));
    if (!dry.plan.some((step) => step.module === name && step.action === 'unload')) {
      throw new AsteriskRefusal('conflict', `${name} is in use by ${describe(loader.users({ module: name }))}; not refreshed`, 'in_use');
    }
    await unloadModule(loader, name, cause);
  }
  await loadModule(loader, name, cause);
}
