/** `/modules…`: list, inspect, load, unload (soft and firm), reload, why (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { SnapshotCache } from '../src/http/snapshot-cache.js';
import { OPTIONAL_BODY } from '../src/http/docs/openapi-options.js';
import { ModuleNameParams, OpResultSchema } from '../src/http/schemas/common.js';
import {
  LoadBody,
  ModuleDetailSchema,
  ModuleListQuery,
  ModuleListSchema,
  UnloadBody,
  WhySchema,
} from '../src/http/schemas/modules.js';
import type { RouteOptions } from '../src/http/context.js';

export const moduleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { loader } = context;
  // Lists and details change only with loader events: serve them serialized between events.
  const lists = new SnapshotCache(() => loader.nextSeq);
  const details = new SnapshotCache(() => loader.nextSeq, 1024);

  app.get('/modules', {
    config: { role: 'read' },
    schema: {
      tags: ['modules'],
      summary: 'List modules',
      querystring: ModuleListQuery,
      response: answers({ 200: ModuleListSchema }),
    },
    handler: async (request, reply) => {
      const key = JSON.stringify(request.query);
      const body = lists.get(key, () => ModuleListSchema.parse({ modules: loader.list(request.query) }));
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });

  app.get('/modules/:name', {
    config: { role: 'read' },
    schema: {
      tags: ['modules'],
      summary: 'One module: state, users, dependencies, dependents, provides, pending',
      params: ModuleNameParams,
      response: answers({ 200: ModuleDetailSchema }, [404]),
    },
    handler: async (request, reply) => {
      const { name } = request.params;
      const body = details.get(name, () => ModuleDetailSchema.parse(loader.get(name)));
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });

  app.post('/modules/:name/load', {
    config: { role: 'operate' },
    schema: {
      tags: ['modules'],
      summary: 'Load a module: the admin becomes a user of it, its dependencies load first (`module load`)',
      params: ModuleNameParams,
      body: LoadBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: OpResultSchema }, [404, 409, 413]),
    },
    handler: async (request) =>
      loader.load(request.params.name, { cause: request.id, dryRun: request.body?.dry_run }),
  });

  app.post('/modules/:name/unload', {
    config: { role: 'operate', adminWhen: (body) => (body as { force?: boolean } | undefined)?.force === true },
    schema: {
      tags: ['modules'],
      summary: "Unload a module: release the admin's use (`module unload`), or with force every user (`module unload -f`)",
      description: 'A soft unload needs the operate role; `force` (firm unload) needs admin.',
      params: ModuleNameParams,
      body: UnloadBody,
      [OPTIONAL_BODY]: true,
      'x-admin-when': 'force',
      response: answers({ 200: OpResultSchema }, [404, 409, 413]),
    },
    handler: async (request) =>
      loader.unload(request.params.name, {
        cause: request.id,
        force: request.body?.force,
        timeoutMs: request.body?.timeout_ms,
        dryRun: request.body?.dry_run,
      }),
  });

  app.post('/modules/:name/reload', {
    config: { role: 'operate' },
    schema: {
      tags: ['modules'],
      summary: "Run the module's reload() (`module reload`)",
      params: ModuleNameParams,
      body: LoadBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: OpResultSchema }, [404, 409, 413]),
    },
    handler: async (request) =>
      loader.reload(request.params.name, { cause: request.id, dryRun: request.body?.dry_run }),
  });

  app.get('/modules/:name/why', {
    config: { role: 'read' },
    schema: {
      tags: ['modules'],
      summary: 'What keeps the module running: chains of users from a root down to it',
      params: ModuleNameParams,
      response: answers({ 200: WhySchema }, [404]),
    },
    handler: async (request) => ({ module: request.params.name, chains: loader.why(request.params.name) }),
  });
};
