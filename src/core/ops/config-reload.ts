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
import { stepUser, type DeclaredDependency, type ModuleEntry } from '../model.js';
import { declaredAt, resolveDependency } from '../plan/resolve.js';
import type { Policy } from '../policy.js';
import { reportRefusal } from '../refusals.js';
import { loadAll, loadEach, type Failures } from '../run-load.js';
import { holdDependency, reportUnresolvedStep } from '../start.js';
import { isActive } from '../state.js';
import { settle } from '../stop.js';
import type { OpResult } from '../types.js';
import { addAdmin, isPolicyReason, unknownNames, wantedByPolicy } from './admin-policy.js';
import { applyFirm, firmClosure } from './unload.js';

export async function setPolicy(core: Core, op: Op, policy: Policy): Promise<OpResult> {
  const before = wantedByPolicy(core);
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
    if (user.kind !== 'admin' || !isPolicyReason(user.reason) || wanted.has(user.module)) continue;
    op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
    core.users.release(user, op);
  }
  dropUndeclared(core, op);
  await settle(core, op);
  await bindNewlyDeclared(core, op, report);
  const added = [...wanted.keys()].filter((name) => !before.has(name));
  await loadEach(core, op, added, addAdmin(core, op, wanted), failures, (err, root) => reportRefusal(core, op, err, root));
  await settle(core, op);
  const warnings = unknownNames(core, policy);
  return {
    op: op.op,
    plan: op.steps,
    dry_run: false,
    ...(failures.length > 0 ? { failures } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * Dependencies declared in config files that a running module no longer has are released; those
 * still declared (wherever they now stand) stay bound, their origin brought up to date. Manifest
 * dependencies stay bound while the module runs (SPEC 6.13).
 */
function dropUndeclared(core: Core, op: Op): void {
  for (const entry of core.table.values()) {
    if (!isActive(entry.state) || !entry.bound) continue;
    const declared = declarationsOf(core, entry);
    const keep = entry.bound.filter((b) => b.dep.userKind === 'module' || declared.has(b.dep.identity));
    const kept = new Set(keep.map((b) => b.userId));
    for (const bound of keep) {
      const now = declared.get(bound.dep.identity);
      const user = core.users.get(bound.userId);
      if (!now || now === bound.dep) continue;
      bound.dep = now;
      if (user) {
        user.origin = now.origin.line === undefined ? undefined : { file: now.origin.file, line: now.origin.line };
        user.holder = now.holder;
      }
    }
    for (const bound of entry.bound) {
      const user = core.users.get(bound.userId);
      if (!user || kept.has(bound.userId)) continue;
      kept.add(bound.userId);
      op.steps.push({ module: user.module, action: 'release_user', user: stepUser(user) });
      core.users.release(user, op);
    }
    entry.bound = keep.filter((b) => core.users.has(b.userId));
  }
}

/** Config-declared dependencies new to running modules are loaded and held now (SPEC 6.15). */
async function bindNewlyDeclared(core: Core, op: Op, report: (err: LoaderError, module: string) => void): Promise<void> {
  const running = [...core.table.values()].filter((e) => e.state === 'running' && e.bound).sort((a, b) => a.loadSeq - b.loadSeq);
  for (const entry of running) {
    for (const dep of declarationsOf(core, entry).values()) {
      if (entry.state !== 'running' || !entry.bound) break;
      if (dep.userKind === 'module' || entry.bound.some((b) => b.dep.identity === dep.identity)) continue;
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
  if (provider === entry || reaches(core, provider, entry)) {
    throw new LoaderError('dependency_cycle', `${entry.name} -> ${provider.name} would close a cycle through running modules`, {
      cycle: [entry.name, provider.name, entry.name],
      edges: [{ from: entry.name, to: provider.name, uses: `${dep.type}=${dep.name}`, declared_in: declaredAt(dep) }],
    });
  }
  await loadAll(core, op, [provider.name]);
  const user = holdDependency(core, op, entry, dep, provider.name);
  op.steps.push({ module: provider.name, action: 'add_user', user: stepUser(user) });
  entry.bound!.push({ dep, provider: provider.name, userId: user.id });
}

function declarationsOf(core: Core, entry: ModuleEntry): Map<string, DeclaredDependency> {
  return new Map(core.table.declarations.of(entry.loadedManifest ?? entry.manifest).map((d) => [d.identity, d]));
}
