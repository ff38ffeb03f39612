/**
 * What a module depends on, from every source SPEC 5 names: its manifest's `[uses]`, the
 * admin's `modules.conf` `[uses]`, `extconfig.conf` realtime mappings of the config files it
 * reads, and, for the dialplan's owner (`config=extensions.conf`), one user per dialplan step.
 * A module with manifest dependencies only gets its manifest's own `[uses]` list back.
 */
import type { Manifest } from './manifest.js';
import { identityOf, type DeclaredDependency } from './model.js';
import type { Policy } from './policy.js';

/** Declared dependencies, indexed per module once per policy (so lookups are O(own)). */
export class DependencyDeclarations {
  private readonly adminUses = new Map<string, DeclaredDependency[]>();
  private readonly byConfigFile = new Map<string, DeclaredDependency[]>();

  constructor(policy: Policy) {
    for (const use of policy.uses) {
      push(this.adminUses, use.module, configDependency(use.file, use.line, use.type, use.name));
    }
    for (const entry of policy.extconfig) {
      push(this.byConfigFile, entry.config, configDependency(entry.file, entry.line, 'realtime', entry.driver));
    }
    for (const step of policy.dialplan) {
      push(this.byConfigFile, baseName(step.file), {
        type: 'application',
        name: step.app,
        origin: { file: step.file, line: step.line },
        userKind: 'dialplan',
        holder: `dialplan:${step.context},${step.exten},${step.priority}`,
        optional: true,
      });
    }
  }

  /** Computed lists, per manifest object (a new policy makes a new DependencyDeclarations). */
  private readonly memo = new WeakMap<Manifest, readonly DeclaredDependency[]>();

  /**
   * Every dependency of the module with this manifest, manifest first, in declaration order;
   * an admin-declared one once per identity (SPEC 6.15), at its first line. Shared: do not
   * modify it.
   */
  of(manifest: Manifest): readonly DeclaredDependency[] {
    const admin = this.adminUses.get(manifest.name);
    if (!admin && !manifest.config.some((file) => this.byConfigFile.has(file))) return manifest.uses;
    let list = this.memo.get(manifest);
    if (!list) {
      list = this.compute(manifest, admin ?? []);
      this.memo.set(manifest, list);
    }
    return list;
  }

  private compute(manifest: Manifest, admin: readonly DeclaredDependency[]): DeclaredDependency[] {
    const out: DeclaredDependency[] = [...manifest.uses];
    const seen = new Set<string>();
    const add = (dep: DeclaredDependency): void => {
      const identity = identityOf(dep);
      if (seen.has(identity)) return;
      seen.add(identity);
      out.push(dep);
    };
    for (const dep of admin) add(dep);
    for (const file of manifest.config) for (const dep of this.byConfigFile.get(file) ?? []) add(dep);
    return out;
  }
}

/** An admin-declared dependency (`modules.conf` `[uses]`, an `extconfig.conf` mapping). */
function configDependency(file: string, line: number, type: string, name: string): DeclaredDependency {
  return { type, name, origin: { file, line }, userKind: 'config', holder: `${baseName(file)}:${line}`, optional: false };
}

/** The file name without directories (config files are named by base name in manifests). */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
