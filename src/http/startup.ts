/**
 * Startup as the service reports it (SPEC 9 readiness): the service listens while startup
 * loads the modules, so `/health` shows how far it got, `/health/ready` stays 503 until it is
 * done and every `require` module runs, and the log gets one summary line instead of a line
 * per module.
 */
import type { LoaderApi } from '../core/api.js';
import type { EventListener, OpResult } from '../core/types.js';

export type StartupState = 'running' | 'done' | 'failed';

/** What `/health` says about startup. */
export interface StartupView {
  state: StartupState;
  /** Seconds since startup began, or how long it took once it ended. */
  elapsed_s: number;
  /** Modules loaded, declined and failed so far. */
  loaded: number;
  declined: number;
  failed: number;
  /** The module being loaded now (null when none). */
  loading: string | null;
  /** How many modules the scan found. */
  modules_known: number;
}

/** Counts what startup does, from the loader's events. */
export class StartupProgress {
  private stateValue: StartupState = 'running';
  private startedAt: number | null = null;
  private endedAt: number | null = null;
  private counts = { loaded: 0, declined: 0, failed: 0 };
  private loading: string | null = null;
  private settle!: () => void;
  /** Resolves when startup ends, done or failed. */
  readonly ended: Promise<void> = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly loader: LoaderApi,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Startup begins (the clock starts). */
  begin(): void {
    this.startedAt ??= this.now();
  }

  /**
   * A loader event listener. Only startup changes modules while it runs (the service holds
   * state-changing requests until it is done), so every load, decline and failure is its.
   */
  readonly observe: EventListener = (event) => {
    if (this.stateValue !== 'running') return;
    if (event.event === 'loading') this.loading = event.module ?? null;
    else if (event.event === 'load') this.counts.loaded += 1;
    else if (event.event === 'declined') this.counts.declined += 1;
    else if (event.event === 'load_failed') this.counts.failed += 1;
    if (event.event !== 'loading' && event.module === this.loading) this.loading = null;
  };

  get state(): StartupState {
    return this.stateValue;
  }

  /** Startup ended; `ok` false when a require failed. */
  end(ok: boolean): void {
    if (this.stateValue !== 'running') return;
    this.stateValue = ok ? 'done' : 'failed';
    this.endedAt = this.now();
    this.loading = null;
    this.settle();
  }

  /** How long startup took, once it ended. */
  seconds(): number | null {
    return this.endedAt === null ? null : (this.endedAt - (this.startedAt ?? this.endedAt)) / 1000;
  }

  view(): StartupView {
    const started = this.startedAt ?? this.now();
    const elapsed = ((this.endedAt ?? this.now()) - started) / 1000;
    return {
      state: this.stateValue,
      elapsed_s: Math.round(elapsed * 1000) / 1000,
      ...this.counts,
      loading: this.loading,
      modules_known: this.loader.list().length,
    };
  }
}

/** A `require` module that does not run. */
export interface MissingModule {
  module: string;
  state: string;
  file: string;
  line: number;
}

export type Readiness =
  | { ready: true }
  | { ready: false; code: 'starting' | 'not_ready'; detail: string; missing: MissingModule[] };

/** SPEC 9: ready once startup is done and every `require` module of the policy runs. */
export function readiness(progress: StartupProgress, loader: LoaderApi): Readiness {
  const missing: MissingModule[] = loader
    .policy()
    .require.filter((r) => !loader.has(r.name) || loader.get(r.name).state !== 'running')
    .map((r) => ({ module: r.name, state: loader.has(r.name) ? loader.get(r.name).state : 'unknown', file: r.file, line: r.line }));
  if (progress.state === 'running') {
    const v = progress.view();
    return {
      ready: false,
      code: 'starting',
      detail: `startup is running: ${v.loaded} loaded, ${v.declined} declined, ${v.failed} failed of ${v.modules_known} known`,
      missing,
    };
  }
  if (progress.state === 'failed') return { ready: false, code: 'not_ready', detail: 'startup failed', missing };
  if (missing.length > 0) {
    const names = missing.map((m) => `${m.module} (${m.state}, ${m.file}:${m.line})`).join(', ');
    return { ready: false, code: 'not_ready', detail: `required module${missing.length > 1 ? 's' : ''} not running: ${names}`, missing };
  }
  return { ready: true };
}

/**
 * Counts for the summary line: modules running, declined, and failed (in the `failed` state,
 * or asked for and refused, e.g. for an unresolved dependency).
 */
export function summarize(loader: LoaderApi, result: Pick<OpResult, 'failures'>): { running: number; declined: number; failed: number } {
  let running = 0;
  let declined = 0;
  const failed = new Set<string>();
  for (const m of loader.list()) {
    if (m.state === 'running') running += 1;
    else if (m.state === 'declined') declined += 1;
    else if (m.state === 'failed') failed.add(m.name);
  }
  for (const f of result.failures ?? []) {
    const state = loader.has(f.module) ? loader.get(f.module).state : 'unknown';
    if (state !== 'declined' && state !== 'running') failed.add(f.module);
  }
  return { running, declined, failed: failed.size };
}

/** `startup done: 382 running, 3 declined, 2 failed in 1.37 s` */
export function summaryLine(what: string, counts: { running: number; declined: number; failed: number }, seconds: number): string {
  return `${what} done: ${counts.running} running, ${counts.declined} declined, ${counts.failed} failed in ${seconds.toFixed(2)} s`;
}
