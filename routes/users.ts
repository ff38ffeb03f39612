/** Users: who holds a module; external holds made and released over REST (SPEC 9). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { OPTIONAL_BODY } from '../src/http/docs/openapi-options.js';
import { ModuleNameParams, OpResultSchema, UserIdParams } from '../src/http/schemas/common.js';
import { AddUserBody, AddUserResultSchema, ReleaseBody, UserListQuery, UserListSchema } from '../src/http/schemas/users.js';
import type { RouteOptions } from '../src/http/context.js';

export const userRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { loader } = context;

  app.get('/modules/:name/users', {
    config: { role: 'read' },
    schema: {
      tags: ['users'],
      summary: 'The users of one module',
      params: ModuleNameParams,
      response: answers({ 200: UserListSchema }, [404]),
    },
    handler: async (request) => ({ users: loader.get(request.params.name).users }),
  });

  app.post('/modules/:name/users', {
    config: { role: 'operate' },
    schema: {
      tags: ['users'],
      summary: 'Hold a module with an external user (loading it if needed)',
      description: 'Answers 201 with the hold\'s `id` and a `Location` header; with `dry_run` 200 and the plan only.',
      params: ModuleNameParams,
      body: AddUserBody,
      response: answers({ 200: OpResultSchema, 201: AddUserResultSchema }, [404, 409, 413]),
    },
    handler: async (request, reply) => {
      const { holder, cancellable, dry_run } = request.body;
      const result = await loader.addUser(request.params.name, { holder, cancellable, cause: request.id, dryRun: dry_run });
      if (result.dry_run || !result.user) return reply.code(200).send(result);
      return reply
        .code(201)
        .header('location', `/users/${encodeURIComponent(result.user.id)}`)
        .send({ ...result, id: result.user.id });
    },
  });

  app.get('/users', {
    config: { role: 'read' },
    schema: {
      tags: ['users'],
      summary: 'All users, optionally by kind or holder',
      querystring: UserListQuery,
      response: answers({ 200: UserListSchema }),
    },
    handler: async (request) => ({ users: loader.users(request.query) }),
  });

  app.delete('/users/:id', {
    config: { role: 'operate' },
    schema: {
      tags: ['users'],
      summary: 'Release a user; the module stops if it was its last',
      params: UserIdParams,
      body: ReleaseBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: OpResultSchema }, [404, 409, 413]),
    },
    handler: async (request) => loader.releaseUser(request.params.id, { cause: request.id, dryRun: request.body?.dry_run }),
  });
};
