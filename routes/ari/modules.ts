/** ARI's `/asterisk/modules` resource: list, get, load (POST), unload (DELETE), reload (PUT). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ariCredentials } from '../../src/http/ari/credentials.js';
import { AriModuleSchema, toAriModule } from '../../src/http/ari/module-model.js';
import { ariLoad, ariReload, ariUnload } from '../../src/http/ari/operations.js';
import { AriModuleParams, AriQuery } from '../../src/http/ari/schemas.js';
import { HttpProblem } from '../../src/http/problem.js';
import type { RouteOptions } from '../../src/http/context.js';

const read = { role: 'read', authenticate: ariCredentials } as const;
const operate = { role: 'operate', authenticate: ariCredentials } as const;
/** Errors are ARI's `{"message": …}`, written by the error handler of routes/ari/index.ts. */
const done = { 204: z.undefined() };

export const ariModuleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { loader } = context;

  app.get('/asterisk/modules', {
    config: read,
    schema: { hide: true, querystring: AriQuery, response: { 200: z.array(AriModuleSchema) } },
    handler: async () => loader.list().map(toAriModule),
  });

  app.get('/asterisk/modules/:moduleName', {
    config: read,
    schema: { hide: true, params: AriModuleParams, querystring: AriQuery, response: { 200: AriModuleSchema } },
    handler: async (request) => {
      const { moduleName } = request.params;
      const module = loader.list().find((m) => m.name === moduleName);
      if (!module) throw new HttpProblem('unknown_module', `no module named ${moduleName}`);
      return toAriModule(module);
    },
  });

  // ARI's verbs on one module: POST load, DELETE unload, PUT reload; 204 when done.
  for (const [method, operation] of [
    ['POST', ariLoad],
    ['DELETE', ariUnload],
    ['PUT', ariReload],
  ] as const) {
    app.route({
      method,
      url: '/asterisk/modules/:moduleName',
      config: operate,
      schema: { hide: true, params: AriModuleParams, querystring: AriQuery, response: done },
      handler: async (request, reply) => {
        await operation(loader, request.params.moduleName, request.id);
        return reply.code(204).send();
      },
    });
  }
};
