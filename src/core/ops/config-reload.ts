/**
 * Config reload (SPEC 6.15): a new admin policy applied by difference. Bans added take effect
 * (what they cover is firm-unloaded) and bans lifted too; admin users the policy no longer
 * wants are released and newly wanted modules loaded; dependencies the admin declares in config
 * files follow the files, matched by what they declare (the line is information only), so a
 * cosmetic edit plans nothing. Failures to load or bind are reported, not fatal.
 */
import type { Core, Op } from '../core.js';
import { isLoaderError, LoaderError } from '../errors.js';
import { reaches } from '../holds.js';
import { identityOf, stepUser, type DeclaredDependency, type ModuleEntry, type UserRecord } from '../model.js';
import { declaredAt, resolveDependency } from '../plan/resolve.js';
import type { Policy } from '../policy.js';
import { reportRefusal } from '../refusals.js';
import { loadAll, loadEach, type Failures } from '../run-load.js';
import { holdDependency, reportUnresolvedStep } from '../start.js';
import { isActive } from '../state.js';
import { settle } from '../stop.js';
import type { OpResult } from '../types.js';
import { setResult } from './result.js';
import { addAdmin, isPolicyReason, unknownNames, wantedByPolicy } from './admin-policy.js';
import { applyFirm, firmClosure } from './unload.js';

export async function setPolicy(core: Core, op: Op, policy: Policy): Promise<OpResult> {
  const before = wantedByPolicy(core);
  const declaredBefore = new Map<ModuleEntry, Set<string>>();
  for (const entry of core.table.values()) if (entry.bound) declaredBefore.set(entry, new Set(declarationsOf(core, entry).keys()));
  core.table.setPolicy(policy);
  const failures: Failures = [];
  const report = (err: LoaderError, module: string): void => {
    failures.push({ module, code: err.code, message: err.message });
    reportRefusal(core, op, err, module);
  };

  // Nothing banned runs.
  for (const entry of core.table.values()) {
    if (!core.table.banned(entry.name) || !isActive(entry.state)) continue;
    const firm = firmClosure(core, entry);
    for (const user of firm.release) op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
    entry.firm = true;
    applyFirm(core, op, firm);
  }
  // Admin users follow the policy.
  const wanted = wantedByPolicy(core);
  for (const user of [...core.users.values()]) {
    // By difference: what the old policy wanted and the new one does not.
    if (user.kind !== 'admin' || !isPolicyReason(user.reason) || wanted.has(user.module) || !before.has(user.module)) continue;
    op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
    core.users.release(user, op);
  }
  dropUndeclared(core, op);
  await settle(core, op);
  await bindNewlyDeclared(core, op, declaredBefore, report);
  const added = [...wanted.keys()].filter((name) => !before.has(name));
  await loadEach(core, op, added, addAdmin(core, op, wanted), failures, (err, root) => reportRefusal(core, op, err, root));
  await settle(core, op);
  const warnings = unknownNames(core, policy);
  return setResult(op, failures, warnings);
}

/**
 * Dependencies declared in config files that a running module no longer has are released; those
 * still declared, wherever they now stand, stay bound and untouched (the line a user shows is
 * where it was declared when it was made). Manifest dependencies stay bound while the module
 * runs (SPEC 6.13).
 */
function dropUndeclared(core: Core, op: Op): void {
  for (const entry of core.table.values()) {
    const bound = entry.bound;
    if (!isActive(entry.state) || !bound) continue;
    const declared = declarationsOf(core, entry);
    const deps: DeclaredDependency[] = [];
    const providers: Array<ModuleEntry | null> = [];
    const users: Array<UserRecord | null> = [];
    for (let i = 0; i < bound.deps.length; i++) {
      const dep = bound.deps[i]!;
      if (dep.userKind !== undefined && !declared.has(identityOf(dep))) continue;
      deps.push(dep);
      providers.push(bound.providers[i]!);
      users.push(bound.users[i]!);
    }
    if (deps.length === bound.deps.length) continue;
    const kept = new Set(users);
    for (const user of new Set(bound.users)) {
      if (!user || kept.has(user) || !core.users.has(user)) continue;
      op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
      core.users.release(user, op);
    }
    entry.bound = { deps, providers, users };
  }
}

/**
 * Config-declared dependencies new to running modules are loaded and held now (SPEC 6.15).
 * Only what the files newly declare: one declared before and not bound (refused then) is not
 * tried again, so a cosmetic edit plans nothing.
 */
async function bindNewlyDeclared(
  core: Core,
  op: Op,
  declaredBefore: ReadonlyMap<ModuleEntry, ReadonlySet<string>>,
  report: (err: LoaderError, module: string) => void,
): Promise<void> {
  const running = [...core.table.values()].filter((e) => e.state === 'running' && e.bound).sort((a, b) => a.loadSeq - b.loadSeq);
  for (const entry of running) {
    const before = declaredBefore.get(entry);
    for (const [identity, dep] of declarationsOf(core, entry)) {
      if (entry.state !== 'running' || !entry.bound) break;
      if (before?.has(identity) || entry.bound.deps.some((d) => d.userKind !== undefined && identityOf(d) === identity)) continue;
      try {
        await bind(core, op, entry, dep);
      } catch (err) {
        if (!isLoaderError(err)) throw err;
        report(err, entry.name);
      }
    }
  }
}

async function bind(core: Core, op: Op, entry: ModuleEntry, dep: DeclaredDependency): Promise<void> {
  const resolved = resolveDependency(core.table, dep, op.excluded);
  if (!('provider' in resolved)) {
    if (dep.optional) return reportUnresolvedStep(core, op, entry, dep);
    throw new LoaderError('unresolved_dependency', `nothing provides ${dep.type}=${dep.name} (needed by ${entry.name})`, {
      missing: [{ type: dep.type, name: dep.name, needed_by: entry.name, declared_in: declaredAt(dep) }],
    });
  }
  const provider = core.table.require(resolved.provider);
  const cycle = (): LoaderError =>
    new LoaderError('dependency_cycle', `${entry.name} -> ${provider.name} would close a cycle through running modules`, {
      cycle: [entry.name, provider.name, entry.name],
      edges: [{ from: entry.name, to: provider.name, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) }],
    });
  if (provider === entry || reaches(core, provider, entry)) throw cycle();
  await loadAll(core, op, [provider.name]);
  // Loading it may have made it hold `entry` (it depends on it): the hold would close a loop.
  if (reaches(core, provider, entry)) throw cycle();
  const user = holdDependency(core, op, entry, dep, provider.name);
  op.steps.push({ module: provider.name, action: 'add_user', user: stepUser(user) });
  const bound = entry.bound!;
  entry.bound = { deps: [...bound.deps, dep], providers: [...bound.providers, provider], users: [...bound.users, user] };
}

/** The module's admin-declared dependencies now, by identity. */
function declarationsOf(core: Core, entry: ModuleEntry): Map<string, DeclaredDependency> {
  const declared = core.table.declarations.of(entry.loadedManifest ?? entry.manifest);
  return new Map(declared.filter((d) => d.userKind !== undefined).map((d) => [identityOf(d), d]));
}
