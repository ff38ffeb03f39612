/** Schemas of the admin policy routes (SPEC 9: `/config`, `/config/reload`). */
import { z } from 'zod';
import type { Policy } from '../../core/policy.js';
import type { Accepts } from './common.js';
import { OpResultSchema } from './common.js';
import { named } from './registry.js';

const At = { file: z.string(), line: z.number().int() };
const Entry = z.object({ name: z.string(), ...At });

export const PolicySchema = named(
  'Policy',
  z.object({
    autoload: z.boolean(),
    require: z.array(Entry),
    preload: z.array(Entry),
    load: z.array(Entry),
    noload: z.array(Entry),
    neverload: z.array(Entry),
    uses: z.array(z.object({ module: z.string(), type: z.string(), name: z.string(), ...At })),
    dialplan: z.array(z.object({ context: z.string(), exten: z.string(), priority: z.string(), app: z.string(), ...At })),
    extconfig: z.array(
      z.object({ config: z.string(), driver: z.string(), database: z.string(), table: z.string().optional(), ...At }),
    ),
    warnings: z.array(z.object({ message: z.string(), ...At })),
  }),
  'The effective admin policy read from modules.conf, extensions.conf and extconfig.conf (SPEC 5).',
);

export const ConfigReloadResultSchema = named(
  'ConfigReloadResult',
  OpResultSchema.extend({
    warnings: z.array(z.object({ message: z.string(), ...At })),
    tokens: z.object({ count: z.number().int() }),
  }),
);

type _PolicyCheck = Accepts<z.output<typeof PolicySchema>, Policy>;
