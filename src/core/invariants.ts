/**
 * SPEC 6.14's invariants, checked from the loader's public reads. Tests (property-based and
 * over HTTP) call this after every operation; it returns the violations found, empty when all
 * hold. O(V + E + users + registrations).
 */
import type { LoaderApi } from './api.js';
import { isActive } from './state.js';

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
    // Nothing banned runs.
    if (banned.has(summary.name) && (active || detail.state === 'loading')) problems.push(`${summary.name} is banned but ${detail.state}`);
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
  return problems;
}
