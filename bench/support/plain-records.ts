/**
 * The baseline of figure 9: the facts the loader holds about running modules, in plain
 * objects and nothing more. Per module: its name, manifest (shared, not counted), state, lib
 * and the records of the modules it is bound to; per dependency edge, a user record (an id
 * string like the loader's, and the holder) in the provider's list of users; and the
 * provider index from each provided `type=name` to its providers.
 */
import type { Manifest } from '../../src/core/manifest.js';
import { TRIVIAL_LIB } from './trivial-host.js';

interface PlainUser {
  id: string;
  holder: PlainModule;
}

interface PlainModule {
  name: string;
  manifest: Manifest;
  state: 'running';
  lib: object;
  dependencies: PlainModule[];
  users: PlainUser[];
}

/** Every module of `manifests` as running, bound along `deps` (name -> dependency names). */
export function plainRecords(manifests: readonly Manifest[], deps: ReadonlyMap<string, readonly string[]>): Map<string, PlainModule> {
  const modules = new Map<string, PlainModule>();
  const providers = new Map<string, PlainModule[]>();
  for (const manifest of manifests) {
    const record: PlainModule = { name: manifest.name, manifest, state: 'running', lib: TRIVIAL_LIB, dependencies: [], users: [] };
    modules.set(manifest.name, record);
    for (const p of manifest.provides) {
      const key = `${p.type}=${p.name}`;
      let list = providers.get(key);
      if (!list) providers.set(key, (list = []));
      list.push(record);
    }
  }
  let counter = 0;
  for (const [name, list] of deps) {
    const holder = modules.get(name)!;
    for (const dep of list) {
      const provider = modules.get(dep)!;
      holder.dependencies.push(provider);
      provider.users.push({ id: `u${++counter}-bench`, holder });
    }
  }
  // Kept reachable from the answer, as the loader keeps its index.
  (modules as Map<string, PlainModule> & { providers?: unknown }).providers = providers;
  return modules;
}
