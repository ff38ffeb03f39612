/**
 * What a module depends on, from every source SPEC 5 names: its manifest's `[uses]`, the
 * admin's `modules.conf` `[uses]`, `extconfig.conf` realtime mappings of the config files it
 * reads, and, for the dialplan's owner (`config=extensions.conf`), one user per dialplan step.
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
      push(this.adminUses, use.module, {
        type: use.type,
        name: use.name,
        origin: { file: use.file, line: use.line },
        userKind: 'config',
        holder: `${baseName(use.file)}:${use.line}`,
        optional: false,
      });
    }
    for (const entry of policy.extconfig) {
      push(this.byConfigFile, entry.config, {
        type: 'realtime',
        name: entry.driver,
        origin: { file: entry.file, line: entry.line },
        userKind: 'config',
        holder: `${baseName(entry.file)}:${entry.line}`,
        optional: false,
      });
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
    const out: DeclaredDependency[] = manifest.uses.map((use) => ({
      type: use.type,
      name: use.name,
      origin: MANIFEST_ORIGIN,
      userKind: 'module' as const,
      holder: manifest.name,
      optional: false,
    }));
    const admin = this.adminUses.get(manifest.name);
    if (admin) out.push(...admin);
    for (const file of manifest.config) {
      const fromFile = this.byConfigFile.get(file);
      if (fromFile) out.push(...fromFile);
    }
    return out;
  }
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
