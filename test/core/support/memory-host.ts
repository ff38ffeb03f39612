/**
 * An in-memory LoaderHost for core tests: module "binaries" are behaviour objects, checksums
 * are derived from a version counter, and every hook call is recorded. The service's real host
 * (node:fs, import()) has its own tests; here the core is exercised on its own contract.
 */
import type { ScanResult } from '../../../src/core/api.js';
import type { Manifest, ProvidedRef, Ref } from '../../../src/core/manifest.js';
import type { LoadPriority } from '../../../src/core/manifest.js';
import type { ConfigFile, LoaderHost, ModuleContext, ModuleExports, ModuleLog } from '../../../src/core/types.js';

export type Behaviour = 'success' | 'decline' | 'failure' | 'throw' | 'hang' | 'undefined';

export interface StubSpec {
  name: string;
  uses?: string[];
  canuse?: string[];
  provides?: string[];
  load_priority?: LoadPriority;
  config?: string[];
  /** What load() does (default success). */
  behaviour?: Behaviour;
  /** Call ctx.blockUnload() in load. */
  block?: boolean;
  /** Throw in unload(). */
  unloadThrows?: boolean;
  /**
   * `type=name` APIs to take with `ctx.use` at the end of load(), as a module does with an
   * optional API: when nothing provides one, it carries on without (recorded `use-miss`).
   */
  useInLoad?: string[];
  /** `type=name` APIs to take with `ctx.use` in the onCanuse hook (whatever module loaded). */
  useOnCanuse?: string[];
}

function ref(text: string): Ref {
  const at = text.indexOf('=');
  return at < 0 ? { type: 'module', name: text } : { type: text.slice(0, at), name: text.slice(at + 1) };
}

function provided(text: string): ProvidedRef {
  const r = ref(text);
  const m = /^(.*):(-?\d+)$/.exec(r.name);
  return m ? { type: r.type, name: m[1]!, priority: Number(m[2]) } : { ...r, priority: 0 };
}

const silent: ModuleLog = { debug() {}, info() {}, warn() {}, error() {} };

export class MemoryHost implements LoaderHost {
  readonly specs = new Map<string, StubSpec>();
  readonly versions = new Map<string, number>();
  readonly calls: string[] = [];
  readonly contexts = new Map<string, ModuleContext>();
  readonly configs = new Map<string, ConfigFile>();
  /** Modules whose binary on disk no longer matches their manifest. */
  readonly tampered = new Set<string>();
  clock = Date.parse('2026-01-01T00:00:00Z');
  /** Consulted before every ctx.use a stub makes; false skips it (recorded `use-skip`). */
  useGuard: ((holder: string, api: string) => boolean) | null = null;

  constructor(specs: StubSpec[] = []) {
    for (const spec of specs) this.put(spec);
  }

  put(spec: StubSpec): void {
    this.specs.set(spec.name, spec);
    this.versions.set(spec.name, (this.versions.get(spec.name) ?? 0) + 1);
  }

  digest(name: string): string {
    const v = this.versions.get(name) ?? 0;
    return (name.length.toString(16) + v.toString(16)).padStart(32, '0');
  }

  manifest(name: string): Manifest {
    const spec = this.specs.get(name)!;
    return {
      name,
      checksum: this.digest(name),
      export_globals: false,
      config: spec.config ?? [],
      description: `stub ${name}`,
      support_level: 'core',
      ...(spec.load_priority ? { load_priority: spec.load_priority } : {}),
      uses: (spec.uses ?? []).map(ref),
      canuse: (spec.canuse ?? []).map(ref),
      provides: (spec.provides ?? []).map(provided),
    };
  }

  scan(): ScanResult {
    const manifests = [...this.specs.keys()].map((n) => this.manifest(n));
    return { manifests, binaries: new Map(manifests.map((m) => [m.name, this.actual(m.name)])) };
  }

  private actual(name: string): string {
    return this.tampered.has(name) ? 'f'.repeat(32) : this.digest(name);
  }

  async checksum(name: string): Promise<string> {
    if (!this.specs.has(name)) throw new Error(`no binary for ${name}`);
    return this.actual(name);
  }

  async importLib(name: string): Promise<ModuleExports> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no binary for ${name}`);
    this.calls.push(`import ${name}`);
    const host = this;
    return {
      async load(ctx) {
        host.calls.push(`load ${name}`);
        host.contexts.set(name, ctx);
        for (const p of spec.provides ?? []) {
          const r = provided(p);
          ctx.register(r.type, r.name, { from: name }, { priority: r.priority });
        }
        if (spec.block) ctx.blockUnload();
        for (const api of spec.useInLoad ?? []) host.tryUse(name, ctx, api);
        switch (spec.behaviour ?? 'success') {
          case 'success':
            return 'success';
          case 'undefined':
            return undefined;
          case 'decline':
            return 'decline';
          case 'failure':
            return 'failure';
          case 'throw':
            throw new Error(`${name} exploded`);
          case 'hang':
            return new Promise<never>(() => {});
        }
      },
      async unload() {
        host.calls.push(`unload ${name}`);
        if (spec.unloadThrows) throw new Error(`${name} unload exploded`);
      },
      async reload() {
        host.calls.push(`reload ${name}`);
      },
      async onCanuse(ctx, used) {
        host.calls.push(`canuse ${name} ${used}`);
        for (const api of spec.useOnCanuse ?? []) host.tryUse(name, ctx, api);
      },
      async onCanuseGone(_ctx, used) {
        host.calls.push(`canuse_gone ${name} ${used}`);
      },
    };
  }

  /** `ctx.use(type, name)` on behalf of `holder`, recorded as `use holder type=name` or `use-miss …`. */
  tryUse(holder: string, ctx: ModuleContext, api: string): boolean {
    if (this.useGuard && !this.useGuard(holder, api)) {
      this.calls.push(`use-skip ${holder} ${api}`);
      return false;
    }
    const r = ref(api);
    try {
      ctx.use(r.type, r.name);
      this.calls.push(`use ${holder} ${api}`);
      return true;
    } catch {
      this.calls.push(`use-miss ${holder} ${api}`);
      return false;
    }
  }

  async readConfig(file: string): Promise<ConfigFile | null> {
    return this.configs.get(file) ?? null;
  }

  moduleLog(): ModuleLog {
    return silent;
  }

  now(): number {
    return this.clock++;
  }
}
