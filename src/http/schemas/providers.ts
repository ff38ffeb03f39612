/** Schemas of the API registry route (SPEC 9: `/providers`). */
import { z } from 'zod';
import type { ProviderInfo } from '../../core/types.js';
import type { Accepts } from './common.js';
import { described, named } from './registry.js';

const TYPE = /^[a-z][a-z0-9_]*$/;

export const ProviderQuery = z.strictObject({
  type: described(z.string().regex(TYPE, 'a provider type: [a-z][a-z0-9_]*').optional(), 'e.g. `application`, `service`.'),
  name: z.string().max(128).optional(),
});

export const ProviderSchema = named(
  'Provider',
  z.object({
    type: z.string(),
    name: z.string(),
    module: z.string(),
    priority: z.number(),
    active: described(z.boolean(), 'The best candidate for type=name: what a `uses` resolves to now.'),
    registered: described(z.boolean(), 'Registered at run time by the running module (ctx.register).'),
  }),
);

export const ProviderListSchema = z.object({ providers: z.array(ProviderSchema) });

type _ProviderCheck = Accepts<z.output<typeof ProviderSchema>, ProviderInfo>;
