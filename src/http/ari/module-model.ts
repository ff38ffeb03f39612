/**
 * ARI's `Module` model (Asterisk's `rest-api/api-docs/asterisk.json`): `name`, `description`,
 * `use_count`, `status`, `support_level`, every one required. Names are the loader's (no
 * `.so`); a module without a description or support level says so with an empty string and
 * `unknown`, as Asterisk's CLI does.
 */
import { z } from 'zod';
import { ASTERISK_STATUS } from '../../asterisk/module-status.js';
import type { ModuleSummary } from '../../core/types.js';

export const AriModuleSchema = z.object({
  name: z.string(),
  description: z.string(),
  use_count: z.number().int(),
  status: z.string(),
  support_level: z.string(),
});

export type AriModule = z.output<typeof AriModuleSchema>;

export function toAriModule(module: ModuleSummary): AriModule {
  return {
    name: module.name,
    description: module.description ?? '',
    use_count: module.use_count,
    status: ASTERISK_STATUS[module.state],
    support_level: module.support_level ?? 'unknown',
  };
}
