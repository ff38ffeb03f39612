/** Input of the ARI routes, validated with zod like every other route. */
import { z } from 'zod';
import { ModuleNameInput } from '../schemas/common.js';

/** ARI's query: the `api_key` credentials; other parameters are ignored, as Asterisk does. */
export const AriQuery = z.object({ api_key: z.string().max(1024).optional() });

export const AriModuleParams = z.strictObject({ moduleName: ModuleNameInput });
