/**
 * What a running module's ctx can do to the ledger (SPEC 7): register providers, use one
 * (becoming a user of its module: weak when it only lists it in `[canuse]`, SPEC 6.9), and make
 * users such as channels. A hold that would close a cycle of strong holds is refused, so the
 * strong holds always form a DAG and "no strong user left" means "no chain to a root".
 */
import { emit, type Core } from './core.js';
import { isOwnedKind, type ModuleEntry } from './model.js';
import type { ContextServices } from './runtime.js';
import type { AddUserOptions, UserHandle } from './types.js';
import { isLoaderError } from './errors.js';

export function contextServices(core: Core): ContextServices {
  return {
    register: (entry, type, name, impl, priority) => core.registry.register(entry, type, name, impl, priority, core.current),
    use: (entry, type, name) => useProvider(core, entry, type, name),
    addUser: (entry, options) => addUserFromModule(core, entry, options),
    readConfig: (file) => core.host.readConfig(file),
    log: (name) => core.host.moduleLog(name),
  };
}

function useProvider(core: Core, entry: ModuleEntry, type: string, name: string): unknown {
  const best = core.registry.best(type, name, (m) => m === entry.name || core.table.get(m)?.going !== true);
  if (!best) throw new Error(`ctx.use: nothing has registered ${type}=${name}`);
  if (best.module === entry.name) return best.impl;
  const provider = core.table.get(best.module)!;
  const weak = onlyCanuse(entry, type, name, provider.name);
  const held = holdOn(core, entry, provider);
  if (held === 'strong' || (held === 'weak' && weak)) return best.impl;
  if (!weak && reaches(core, provider, entry)) {
    const cycle = [entry.name, provider.name, entry.name];
    emit(core, 'dependency_cycle', entry.name, core.current, { cycle });
    throw new Error(`ctx.use: ${entry.name} -> ${provider.name} would close a dependency cycle; list ${type}=${name} in [canuse] to make it optional`);
  }
  core.users.add(
    { kind: 'module', holder: entry.name, module: provider.name, owner: entry.name, reason: `ctx.use ${type}=${name}`, weak },
    core.current,
  );
  return best.impl;
}

/** The holder lists what it uses in `[canuse]` (by type=name or by module) and not in `[uses]`. */
function onlyCanuse(entry: ModuleEntry, type: string, name: string, provider: string): boolean {
  const manifest = entry.loadedManifest ?? entry.manifest;
  const names = (r: { type: string; name: string }): boolean => (r.type === type && r.name === name) || (r.type === 'module' && r.name === provider);
  return !manifest.uses.some(names) && manifest.canuse.some(names);
}

/** The strongest hold `entry` has on `provider`: a strong one, only weak ones, or none. */
function holdOn(core: Core, entry: ModuleEntry, provider: ModuleEntry): 'strong' | 'weak' | null {
  let found: 'weak' | null = null;
  for (const user of entry.holds) {
    if (user.module !== provider.name || !isOwnedKind(user.kind)) continue;
    if (!user.weak) return 'strong';
    found = 'weak';
  }
  return found;
}

/** Whether `from` holds `to`, directly or not, through strong module, config or dialplan users. */
export function reaches(core: Core, from: ModuleEntry, to: ModuleEntry): boolean {
  const seen = new Set<ModuleEntry>();
  const stack = [from];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry === to) return true;
    if (seen.has(entry)) continue;
    seen.add(entry);
    for (const user of entry.holds) {
      if (user.weak || !isOwnedKind(user.kind)) continue;
      const held = core.table.get(user.module);
      if (held) stack.push(held);
    }
  }
  return false;
}

function addUserFromModule(core: Core, entry: ModuleEntry, options: AddUserOptions): UserHandle {
  const kind = options.kind ?? 'channel';
  if (kind !== 'channel' && kind !== 'external') throw new Error(`ctx.addUser: a module may make channel or external users, not ${kind}`);
  if (typeof options.holder !== 'string' || options.holder.length === 0) throw new Error('ctx.addUser: holder is required');
  const target = core.table.get(options.module ?? entry.name);
  if (!target) throw new Error(`ctx.addUser: no module named ${options.module}`);
  const live = target === entry ? entry.state === 'loading' || entry.state === 'running' : target.state === 'running' && !target.going;
  if (!live) throw new Error(`ctx.addUser: ${target.name} is not running`);
  const user = core.users.add(
    { kind, holder: options.holder, module: target.name, owner: entry.name, cancellable: false, dispose: options.dispose, reason: `made by ${entry.name}` },
    core.current,
  );
  const id = user.id;
  return { id, release: () => releaseFromModule(core, id, entry.name) };
}

/** A module's `handle.release()`: an operation of its own, except inside a dispose callback. */
function releaseFromModule(core: Core, id: string, module: string): Promise<void> {
  const user = core.users.get(id);
  if (!user) return Promise.resolve();
  if (core.syncWindow > 0 && core.current) {
    core.users.release(user, core.current);
    return Promise.resolve();
  }
  return core.queueRelease(id, module).then(
    () => undefined,
    (err: unknown) => {
      if (isLoaderError(err) && err.code === 'user_not_found') return;
      throw err;
    },
  );
}
