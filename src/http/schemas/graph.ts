/** Schema of the dependency graph route (SPEC 9: `/graph`). */
import { z } from 'zod';
import type { Graph } from '../../core/types.js';
import type { Accepts } from './common.js';
import { ModuleStateSchema, UserKindSchema } from './common.js';
import { described, named } from './registry.js';

export const GraphQuery = z.strictObject({
  format: described(z.enum(['json', 'dot']).optional(), '`dot` answers Graphviz DOT as text/vnd.graphviz.'),
});

export const GraphSchema = named(
  'Graph',
  z.object({
    nodes: z.array(
      z.object({
        name: z.string(),
        state: ModuleStateSchema,
        stale: described(z.boolean(), 'It runs an older binary than the one on disk (SPEC 6.10): unload and load it to run the new one.'),
      }),
    ),
    edges: z.array(
      z.object({
        from: described(z.string(), 'The module that uses.'),
        to: described(z.string(), 'The module it resolves to.'),
        type: z.string(),
        name: z.string(),
        kind: z.enum(['uses', 'canuse']),
        user_kind: UserKindSchema,
      }),
    ),
  }),
);

type _GraphCheck = Accepts<z.output<typeof GraphSchema>, Graph>;
