/**
 * Manager actions, after AMI: modules register `manager=<Action>` providers whose
 * implementation takes the JSON body and returns a JSON-able result.
 */
import { z } from 'zod';
import { described, named } from './registry.js';

export const ActionParams = z.strictObject({
  name: described(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an action name'), 'The action, e.g. `Originate`.'),
});

export const ActionBody = described(
  z.record(z.string(), z.unknown()).nullish(),
  "The action's arguments, passed to its implementation as they are.",
);

export const ActionResultSchema = named(
  'ActionResult',
  z.object({ action: z.string(), module: z.string(), result: z.unknown() }),
  "What the action's implementation returned.",
);

export const ActionListSchema = z.object({
  actions: z.array(z.object({ name: z.string(), module: z.string(), active: z.boolean() })),
});
