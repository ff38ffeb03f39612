/**
 * What the health routes answer before the app is built (early-listener.ts), in the shapes of
 * routes/health.ts: the process serves (`/health/live` 200), startup has not loaded anything
 * yet (`/health` 200 `starting`), so the service is not ready (`/health/ready` 503 `starting`).
 * Nothing is scanned yet: `modules_known` is 0 and `missing` is empty.
 */
import type { z } from 'zod';
import { problemBody } from '../problem-codes.js';
import type { Problem } from '../schemas/problem.js';
import type { HealthSchema, LivenessSchema, StartupSchema } from '../schemas/health.js';

export interface EarlyHealthOptions {
  bootId: string;
  /** When the service started (ms since the epoch). */
  startedAt: number;
}

export type EarlyAnswer = { status: 200; body: z.output<typeof LivenessSchema> | z.output<typeof HealthSchema> } | { status: 503; body: Problem };

/** A health route: the answer to a request for `url` with the request id `id`. */
export type EarlyRoute = (url: string, id: string) => EarlyAnswer;

/** The startup view before startup begins, as StartupProgress.view() gives it then. */
const NOT_BEGUN: z.output<typeof StartupSchema> = { state: 'running', elapsed_s: 0, loaded: 0, declined: 0, failed: 0, loading: null, modules_known: 0 };

/** The loader's first event seq: no event has happened yet. */
const FIRST_SEQ = 1;

/** The health routes by path. */
export function earlyHealth(options: EarlyHealthOptions): ReadonlyMap<string, EarlyRoute> {
  const uptime = (): number => Math.round((Date.now() - options.startedAt) / 1000);
  return new Map<string, EarlyRoute>([
    ['/health/live', () => ({ status: 200, body: { status: 'ok', uptime_s: uptime() } })],
    [
      '/health',
      () => ({
        status: 200,
        body: { status: 'starting', boot_id: options.bootId, uptime_s: uptime(), modules_running: 0, next_seq: FIRST_SEQ, startup: NOT_BEGUN },
      }),
    ],
    [
      '/health/ready',
      (url, id) => ({
        status: 503,
        body: problemBody('starting', 'startup has not begun: the service is being built', url, id, { missing: [], startup: NOT_BEGUN }),
      }),
    ],
  ]);
}
