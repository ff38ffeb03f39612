/** Schemas of the health routes (SPEC 9): liveness, readiness, and `/health` with startup progress. */
import { z } from 'zod';
import { described, named } from './registry.js';

export const StartupSchema = named(
  'Startup',
  z.object({
    state: z.enum(['running', 'done', 'failed']),
    elapsed_s: described(z.number(), 'Seconds since startup began, or how long it took once it ended.'),
    loaded: z.number().int(),
    declined: z.number().int(),
    failed: z.number().int(),
    loading: described(z.string().nullable(), 'The module being loaded now.'),
    modules_known: described(z.number().int(), 'Modules the scan of the module directory found.'),
  }),
  'How far startup got: the service answers while it loads the modules.',
);

export const HealthSchema = named(
  'Health',
  z.object({
    status: described(
      z.enum(['starting', 'ok', 'not_ready']),
      '`ok` when ready (as `/health/ready`), `starting` while startup runs, `not_ready` when a `require` module does not run.',
    ),
    boot_id: described(z.string(), 'This start of the service: new at every start; user ids end with it.'),
    uptime_s: z.number(),
    modules_running: z.number().int(),
    next_seq: z.number().int(),
    startup: StartupSchema,
  }),
);

export const LivenessSchema = named('Liveness', z.object({ status: z.literal('ok'), uptime_s: z.number() }));

export const ReadinessSchema = named(
  'Readiness',
  z.object({ status: z.literal('ready'), modules_running: z.number().int(), startup_s: z.number() }),
);
