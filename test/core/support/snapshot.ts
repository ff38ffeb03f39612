/**
 * What a module looks like from the public reads (state, users, live registrations), to check
 * that an operation left a module "exactly as it was" (SPEC 6.3, 6.14).
 */
import type { LoaderApi } from '../../../src/core/api.js';
import type { UserInfo } from '../../../src/core/types.js';

export interface ModuleSnapshot {
  state: string;
  /** One line per user: id, kind, holder, owner, weak. */
  users: string[];
  /** `type=name:priority` of each live registration. */
  registered: string[];
}

export const describeUser = (u: UserInfo): string =>
  `${u.id} ${u.kind} ${u.holder}${u.owner !== undefined ? ` owner=${u.owner}` : ''}${u.weak ? ' weak' : ''}`;

export function snapshot(loader: LoaderApi): Map<string, ModuleSnapshot> {
  const users = new Map<string, string[]>();
  for (const user of loader.users()) {
    const list = users.get(user.module) ?? [];
    list.push(describeUser(user));
    users.set(user.module, list);
  }
  const registered = new Map<string, string[]>();
  for (const p of loader.providers()) {
    if (!p.registered) continue;
    const list = registered.get(p.module) ?? [];
    list.push(`${p.type}=${p.name}:${p.priority}`);
    registered.set(p.module, list);
  }
  const out = new Map<string, ModuleSnapshot>();
  for (const m of loader.list()) {
    out.set(m.name, {
      state: m.state,
      users: (users.get(m.name) ?? []).sort(),
      registered: (registered.get(m.name) ?? []).sort(),
    });
  }
  return out;
}

/** Each module whose snapshot differs, with what changed (`name: before -> after`). */
export function changes(before: Map<string, ModuleSnapshot>, after: Map<string, ModuleSnapshot>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = JSON.stringify(before.get(name) ?? null);
    const b = JSON.stringify(after.get(name) ?? null);
    if (a !== b) out.set(name, `${name}: ${a} -> ${b}`);
  }
  return out;
}
