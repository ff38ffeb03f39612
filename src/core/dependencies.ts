/**
 * What a module depends on, from every source SPEC 5 names: its manifest's `[uses]`, the
 * admin's `modules.conf` `[uses]`, `extconfig.conf` realtime mappings of the config files it
 * reads, and, for the dialplan's owner (`config=extensions.conf`), one user per dialplan step.
 * Each declaration carries its identity (SPEC 6.15: what it declares, not the line it is on);
 * a module's list holds each identity once, at its first declaration.
 */
import type { Manifest } from './manifest.js';
import type { DeclaredDependency } from './model.js';
import type { Policy } from './policy.js';

/** Where manifest dependencies are declared: one shared, frozen object. */
const MANIFEST_ORIGIN = Object.freeze({ file: 'manifest' as const });

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
      const holder = `dialplan:${step.context},${step.exten},${step.priority}`;
      push(this.byConfigFile, baseName(step.file), {
        type: 'application',
        name: step.app,
        origin: { file: step.file, line: step.line },
        userKind: 'dialplan',
        holder,
        optional: true,
        identity: `dialplan\u0000${baseName(step.file)}\u0000${holder}\u0000application\u0000${step.app}`,
      });
    }
  }

  /** Computed lists, per manifest object (a new policy makes a new DependencyDeclarations). */
  private readonly memo = new WeakMap<Manifest, readonly DeclaredDependency[]>();

  /**
   * Every dependency of the module with this manifest, manifest first, in declaration order.
   * Computed once per manifest and policy; the list is shared: do not modify it.
   */
  of(manifest: Manifest): readonly DeclaredDependency[] {
    let list = this.memo.get(manifest);
    if (!list) {
      list = this.compute(manifest);
      this.memo.set(manifest, list);
    }
    return list;
  }

  private compute(manifest: Manifest): DeclaredDependency[] {
    const out: DeclaredDependency[] = [];
    const seen = new Set<string>();
    const add = (dep: DeclaredDependency): void => {
      if (seen.has(dep.identity)) return;
      seen.add(dep.identity);
      out.push(dep);
    };
    for (const use of manifest.uses) {
      add({
        type: use.type,
        name: use.name,
        origin: MANIFEST_ORIGIN,
        userKind: 'module',
        holder: manifest.name,
        optional: false,
        identity: `module\u0000manifest\u0000${use.type}\u0000${use.name}`,
      });
    }
    for (const dep of this.adminUses.get(manifest.name) ?? []) add(dep);
    for (const file of manifest.config) for (const dep of this.byConfigFile.get(file) ?? []) add(dep);
    return out;
  }
}

/** An admin-declared dependency (`modules.conf` `[uses]`, an `extconfig.conf` mapping). */
function configDependency(file: string, line: number, type: string, name: string): DeclaredDependency {
  return {
    type,
    name,
    origin: { file, line },
    userKind: 'config',
    holder: `${baseName(file)}:${line}`,
    optional: false,
    identity: `config\u0000${baseName(file)}\u0000${type}\u0000${name}`,
  };
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
