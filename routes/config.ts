/** `/config`: the effective admin policy, and re-reading the config files (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { OPTIONAL_BODY } from '../src/http/docs/openapi-options.js';
import { EmptyBody } from '../src/http/schemas/common.js';
import { ConfigReloadResultSchema, PolicySchema } from '../src/http/schemas/config.js';
import type { RouteOptions } from '../src/http/context.js';

export const configRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get('/config', {
    config: { role: 'read' },
    schema: { tags: ['config'], summary: 'The effective admin policy', response: answers({ 200: PolicySchema }) },
    handler: async () => context.loader.policy(),
  });

  app.post('/config/reload', {
    config: { role: 'admin' },
    schema: {
      tags: ['config'],
      summary: 'Re-read modules.conf, extensions.conf, extconfig.conf and tokens.conf and apply them',
      description:
        'A file with errors changes nothing: the answer is 400 invalid_request with `errors`, each naming file and line. ' +
        'Otherwise the new policy applies and whatever is no longer needed stops (SPEC 6.12).',
      body: EmptyBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: ConfigReloadResultSchema }, [409, 413]),
    },
    handler: async (request) => context.reloadConfig(request.id),
  });
};
