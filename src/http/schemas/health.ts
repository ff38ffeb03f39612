/** Schema of the liveness route. */
import { z } from 'zod';
import { described, named } from './registry.js';

export const HealthSchema = named(
  'Health',
  z.object({
    status: z.literal('ok'),
    boot_id: described(z.string(), 'This start of the service: new at every start; user ids end with it.'),
    uptime_s: z.number(),
    modules_running: z.number().int(),
    next_seq: z.number().int(),
  }),
);
