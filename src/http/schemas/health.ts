/** Schema of the liveness route. */
import { z } from 'zod';
import { named } from './registry.js';

export const HealthSchema = named(
  'Health',
  z.object({
    status: z.literal('ok'),
    uptime_s: z.number(),
    modules_running: z.number().int(),
    next_seq: z.number().int(),
  }),
);
