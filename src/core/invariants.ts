/**
 * SPEC 6.14's invariants, checked from the loader's public reads. Tests (property-based and
 * over HTTP) call this after every operation; it returns the violations found, empty when all
 * hold. O(V + E + users + registrations), plus one `why` per running module.
 *
 * Invariants that need the event trail or a before/after snapshot (stop order, a failed
 * operation leaving the rest as it was, an empty plan for a cosmetic config reload) are checked
 * by the property tests (`test/core/`).
 */
import type { LoaderApi } from './api.js';
import { isActive } from './state.js';
import type { UserInfo } from './types.js';

/** Users that keep a module needed on their own (SPEC 6.12's roots). */
const ROOT_KINDS = new Set(['admin', 'external', 'channel', 'dialplan']);

function isRoot(user: UserInfo): boolean {
  return ROOT_KINDS.has(user.kind) || user.owner === undefined || user.owner === user.module;
}

export function checkInvariants(loader: LoaderApi): string[] {
  const problems: string[] = [];
  const banned = new Set(loader.policy().neverload.map((e) => e.name));
  const userCount = new Map<string, number>();
  for (const user of loader.users()) userCount.set(user.module, (userCount.get(user.module) ?? 0) + 1);

  for (const summary of loader.list()) {
    const detail = loader.get(summary.name);
    const active = isActive(detail.state);
    // A running module's dependencies all run.
    if (active) {
      for (const dep of detail.dependencies) {
        if (dep.provider === null) continue;
        const provider = loader.has(dep.provider) ? loader.get(dep.provider).state : 'missing';
        if (!isActive(provider as never)) {
          problems.push(`${summary.name} runs but its dependency ${dep.type}=${dep.name} (${dep.provider}) is ${provider}`);
        }
      }
      if (detail.use_count === 0) problems.push(`${summary.name} runs without any user`);
    }
    // Use counts equal live user records.
    if (detail.use_count !== detail.users.length || detail.use_count !== (userCount.get(summary.name) ?? 0)) {
      problems.push(`${summary.name}: use_count ${detail.use_count}, users listed ${detail.users.length}, user records ${userCount.get(summary.name) ?? 0}`);
    }
    if (!active && detail.users.length > 0) problems.push(`${summary.name} is ${detail.state} but has users`);
    // Nothing banned runs, except while a firm unload waits for a user that has not let go
    // (SPEC 6.5: nothing is freed while a reference remains; `pending` names it).
    if (banned.has(summary.name) && (active || detail.state === 'loading') && !(active && detail.pending.length > 0)) {
      problems.push(`${summary.name} is banned but ${detail.state}`);
    }
    // No registration belongs to a stopped module.
    if (!active && detail.provides.some((p) => p.registered)) problems.push(`${summary.name} is ${detail.state} but still has registrations`);
  }
  for (const provider of loader.providers()) {
    if (provider.registered && (!loader.has(provider.module) || !isActive(loader.get(provider.module).state))) {
      problems.push(`registration ${provider.type}=${provider.name} belongs to ${provider.module}, which is not running`);
    }
  }
  // Users owned by a module exist only while that module runs.
  for (const user of loader.users()) {
    if ((user.kind === 'module' || user.kind === 'config' || user.kind === 'dialplan') && user.owner !== undefined) {
      if (!loader.has(user.owner) || !isActive(loader.get(user.owner).state)) {
        problems.push(`user ${user.id} (${user.kind} ${user.holder}) is owned by ${user.owner}, which is not running`);
      }
    }
  }
  problems.push(...chainProblems(loader));
  return problems;
}

/**
 * SPEC 6.9, 6.12: every running module has a chain of users from a root down to it, weak holds
 * excluded; `why` gives such chains exactly for those modules, and none of its links is weak.
 */
function chainProblems(loader: LoaderApi): string[] {
  const problems: string[] = [];
  const users = loader.users();
  const strongUsersOf = new Map<string, UserInfo[]>();
  for (const user of users) {
    if (user.weak && user.kind !== 'module') problems.push(`user ${user.id} (${user.kind} ${user.holder}) is weak but not a module user`);
    if (user.weak) continue;
    const list = strongUsersOf.get(user.module) ?? [];
    list.push(user);
    strongUsersOf.set(user.module, list);
  }
  // The modules a root keeps, directly or through strong holds of kept modules (a fixpoint).
  const kept = new Set<string>();
  const stack = users.filter((u) => !u.weak && isRoot(u)).map((u) => u.module);
  const heldBy = new Map<string, string[]>();
  for (const user of users) {
    if (user.weak || isRoot(user)) continue;
    const list = heldBy.get(user.owner!) ?? [];
    list.push(user.module);
    heldBy.set(user.owner!, list);
  }
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (kept.has(name)) continue;
    kept.add(name);
    for (const held of heldBy.get(name) ?? []) stack.push(held);
  }
  for (const summary of loader.list({ state: 'running' })) {
    if (!kept.has(summary.name)) {
      // (why() is not asked here: over a loop with no root it may walk every path of the loop.)
      const held = users.filter((u) => u.module === summary.name).map((u) => `${u.kind} ${u.holder}${u.weak ? ' (weak)' : ''}`);
      problems.push(`${summary.name} runs without a chain to a root (users: ${held.join(', ') || 'none'})`);
      continue;
    }
    const chains = loader.why(summary.name);
    if (chains.length === 0) problems.push(`${summary.name}: why() gives no chain, but it has one to a root`);
    for (const chain of chains) {
      if (chain.root.weak) problems.push(`${summary.name}: why() has a chain rooted in the weak user ${chain.root.id}`);
      for (let i = 0; i + 1 < chain.path.length; i++) {
        const from = chain.path[i]!;
        const to = chain.path[i + 1]!;
        if (!(strongUsersOf.get(to) ?? []).some((u) => u.owner === from)) {
          problems.push(`${summary.name}: why() links ${from} -> ${to}, but ${from} holds no strong user of ${to}`);
        }
      }
    }
  }
  return problems;
}
