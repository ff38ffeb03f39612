/**
 * Starting one module (SPEC 6.2): verify its binary against the manifest checksum and import
 * it (or reuse its blocked lib), bind each declared dependency to the provider it resolved to
 * (one user per declaration), run `load(ctx)` under the load timeout, and tell the running
 * modules that list it in `[canuse]`. A start that does not succeed leaves the module
 * `declined` or `failed` with everything it took given back, and throws the operation's error.
 */
import { emit, type Core, type Op } from './core.js';
import { LoaderError } from './errors.js';
import { checksumAlgorithm, checksumDigest } from './manifest.js';
import { declaredIn, holderOf, userKindOf, type DeclaredDependency, type ModuleEntry, type UserRecord } from './model.js';
import type { ResolvedDependencies } from './plan/resolve.js';
import { createContext, createInstance, describeError, endInstance, runHook, type Settled } from './runtime.js';
import { transition } from './state.js';
import type { EventFields } from './types.js';

export type FailOutcome = EventFields['load_failed']['outcome'] | 'decline';

/**
 * Starts `entry`, whose dependencies already run. `checksum` is a read of its binary made
 * ahead of time (reads have no side effects, so a run of loads overlaps them).
 */
export async function startModule(core: Core, op: Op, entry: ModuleEntry, resolved: ResolvedDependencies, checksum?: Promise<Settled<string>>): Promise<void> {
  op.touched.add(entry);
  transition(entry, 'loading');
  emit(core, 'loading', entry.name, op, {});
  const manifest = entry.manifest;

  // The lib: reuse a blocked one only when the binary it came from is still the manifest's.
  if (!entry.lib) {
    await importLib(core, op, entry, checksum ?? readChecksum(core, entry));
  } else if (entry.libChecksum !== manifest.checksum) {
    failStart(core, op, entry, 'lib_blocked', `the lib of ${entry.name} is blocked from unloading; the changed binary can be loaded after a restart`, 'import');
  }

  // Bind dependencies (stable providers, 6.13): one user per provider, user kind and holder.
  const { deps, targets } = resolved;
  const users = new Array<UserRecord | null>(deps.length).fill(null);
  for (let i = 0; i < deps.length; i++) {
    const dep = deps[i]!;
    const provider = targets[i];
    if (!provider) {
      reportUnresolvedStep(core, op, entry, dep);
      continue;
    }
    users[i] = sharedUser(entry, dep, provider, users, deps, targets, i) ?? holdDependency(core, op, entry, dep, provider.name);
  }
  entry.bound = { deps, providers: targets, users };
  entry.loadedManifest = manifest;

  const instance = createInstance();
  entry.instance = instance;
  const ctx = createContext(entry, instance, core.services);
  instance.ctx = ctx;
  const lib = entry.lib!;
  const settled = await runHook(() => lib.load(ctx), core.loadTimeoutMs);
  if (settled.kind === 'value' && (settled.value === undefined || settled.value === 'success')) {
    entry.loadSeq = ++core.loadCounter;
    entry.reason = null;
    transition(entry, 'running');
    emit(core, 'load', entry.name, op, { state: 'running' });
    await notifyCanusers(core, op, entry);
    return;
  }
  if (settled.kind === 'value' && settled.value === 'decline') {
    failStart(core, op, entry, 'load_failed', `${entry.name} declined to load`, 'decline');
  }
  const reason =
    settled.kind === 'timeout'
      ? `load() did not finish within ${core.loadTimeoutMs} ms`
      : settled.kind === 'throw'
        ? `load() threw: ${describeError(settled.error)}`
        : settled.value === 'failure'
          ? 'load() returned failure'
          : `load() returned ${JSON.stringify(settled.value)}`;
  failStart(core, op, entry, 'load_failed', reason, settled.kind === 'value' ? 'failure' : settled.kind);
}

/** The checksum of the module's binary on disk, in its manifest's algorithm; never rejects. */
export function readChecksum(core: Core, entry: ModuleEntry): Promise<Settled<string>> {
  return runHook(() => core.host.checksum(entry.name, checksumAlgorithm(entry.manifest.checksum)), core.loadTimeoutMs);
}

/** Verifies the binary against the manifest, then imports it. */
async function importLib(core: Core, op: Op, entry: ModuleEntry, checksum: Promise<Settled<string>>): Promise<void> {
  const manifest = entry.manifest;
  const expected = checksumDigest(manifest.checksum);
  const checked = await checksum;
  if (checked.kind !== 'value') {
    const reason = checked.kind === 'timeout' ? 'reading the binary timed out' : describeError(checked.error);
    failStart(core, op, entry, 'load_failed', `${entry.name}: ${reason}`, 'import');
  }
  entry.diskChecksum = checked.value;
  if (checked.value !== expected) {
    emit(core, 'checksum_mismatch', entry.name, op, { expected, actual: checked.value });
    failStart(core, op, entry, 'checksum_mismatch', `${entry.name}: the binary does not match its manifest checksum`, 'checksum_mismatch', {
      expected,
      actual: checked.value,
    });
  }
  const imported = await runHook(() => core.host.importLib(entry.name), core.loadTimeoutMs);
  if (imported.kind !== 'value') {
    const reason = imported.kind === 'timeout' ? 'import timed out' : `import failed: ${describeError(imported.error)}`;
    failStart(core, op, entry, 'load_failed', `${entry.name}: ${reason}`, 'import', hostCode(imported));
  }
  entry.lib = imported.value;
  entry.libChecksum = manifest.checksum;
  entry.blocked = false;
}

/** A host error's stable code, for the refusal's details (`host_code`). */
function hostCode(settled: Settled<unknown>): Record<string, unknown> {
  const code = settled.kind === 'throw' ? (settled.error as { code?: unknown } | null)?.code : undefined;
  return typeof code === 'string' ? { host_code: code } : {};
}

/**
 * Leaves `entry` failed (or declined) with everything it took during the attempt given back,
 * then throws the operation's error. Never returns.
 */
export function failStart(
  core: Core,
  op: Op,
  entry: ModuleEntry,
  code: 'load_failed' | 'checksum_mismatch' | 'lib_blocked',
  reason: string,
  outcome: FailOutcome,
  extra: Record<string, unknown> = {},
): never {
  if (entry.instance) {
    core.registry.withdrawAll(entry, op);
    endInstance(entry.instance);
    entry.instance = null;
  }
  core.users.releaseHolds(entry, op);
  for (const user of [...entry.users.values()]) core.users.release(user, op);
  entry.bound = null;
  entry.loadedManifest = null;
  if (entry.lib && !entry.blocked) {
    entry.lib = null;
    entry.libChecksum = null;
  }
  entry.reason = reason;
  if (outcome === 'decline') {
    transition(entry, 'declined');
    emit(core, 'declined', entry.name, op, { reason });
  } else {
    transition(entry, 'failed');
    emit(core, 'load_failed', entry.name, op, { reason, outcome });
  }
  throw new LoaderError(code, reason, { module: entry.name, reason, outcome, ...extra });
}

/** Tells every running module that lists `entry` in `[canuse]` that it loaded (SPEC 6.9). */
async function notifyCanusers(core: Core, op: Op, entry: ModuleEntry): Promise<void> {
  for (const name of core.table.canusers(entry.name)) {
    const canuser = core.table.get(name);
    if (!canuser || canuser === entry || canuser.state !== 'running' || !canuser.lib || !canuser.instance?.ctx) continue;
    op.touched.add(canuser);
    const hook = canuser.lib.onCanuse;
    const ctx = canuser.instance.ctx;
    if (hook) await runHook(() => hook.call(canuser.lib, ctx, entry.name), core.loadTimeoutMs);
    emit(core, 'canuse', name, op, { used: entry.name });
  }
}

/** The user an earlier declaration of the same provider, user kind and holder already made. */
function sharedUser(
  entry: ModuleEntry,
  dep: DeclaredDependency,
  provider: ModuleEntry,
  users: ReadonlyArray<UserRecord | null>,
  deps: readonly DeclaredDependency[],
  targets: ReadonlyArray<ModuleEntry | null>,
  upTo: number,
): UserRecord | null {
  for (let j = 0; j < upTo; j++) {
    if (targets[j] === provider && userKindOf(deps[j]!) === userKindOf(dep) && holderOf(deps[j]!, entry.name) === holderOf(dep, entry.name)) return users[j]!;
  }
  return null;
}

/** Makes `entry` a user of `provider` for the declared dependency `dep`. */
export function holdDependency(core: Core, op: Op, entry: ModuleEntry, dep: DeclaredDependency, provider: string): UserRecord {
  return core.users.add({ kind: userKindOf(dep), holder: holderOf(dep, entry.name), module: provider, owner: entry.name, dep }, op);
}

/** A dialplan step whose application nothing provides: reported, not fatal (SPEC 5). */
export function reportUnresolvedStep(core: Core, op: Op, entry: ModuleEntry, dep: DeclaredDependency): void {
  const origin = declaredIn(dep);
  emit(core, 'dialplan_unresolved', entry.name, op, {
    app: dep.name,
    holder: holderOf(dep, entry.name),
    origin: { file: origin.file, line: origin.line ?? 0 },
  });
}
