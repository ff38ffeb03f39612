/**
 * Manager actions, after AMI's: a running module registers `manager=<Action>` providers
 * (implementation `(args: object) => unknown | Promise<unknown>`); `POST /actions/{name}`
 * calls the active one with the JSON body and answers its result. The sample chan_sip's
 * `Originate` and `Hangup` start and end calls (channel users) this way.
 *
 * Errors: no running module provides the action: 404 `unknown_module` with `action`; the
 * action throws a loader error: that error; it throws anything else: 400 `invalid_request`
 * with `action` and the message (the arguments are the likeliest cause).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isLoaderError, LoaderError } from '../src/core/errors.js';
import { answers } from '../src/http/answers.js';
import { OPTIONAL_BODY } from '../src/http/docs/openapi-options.js';
import { HttpProblem } from '../src/http/problem.js';
import { ActionBody, ActionListSchema, ActionParams, ActionResultSchema } from '../src/http/schemas/actions.js';
import type { RouteOptions } from '../src/http/context.js';

export const MANAGER_TYPE = 'manager';

type ActionImpl = (args: object) => unknown;

export const actionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { loader } = context;

  app.get('/actions', {
    config: { role: 'read' },
    schema: {
      tags: ['actions'],
      summary: 'Manager actions registered by running modules',
      response: answers({ 200: ActionListSchema }),
    },
    handler: async () => ({
      actions: loader
        .providers({ type: MANAGER_TYPE })
        .filter((p) => p.registered)
        .map((p) => ({ name: p.name, module: p.module, active: p.active })),
    }),
  });

  app.post('/actions/:name', {
    config: { role: 'operate' },
    schema: {
      tags: ['actions'],
      summary: 'Run a manager action with the JSON body as its arguments',
      description: '404 `unknown_module` (with `action`) when no running module provides it.',
      params: ActionParams,
      body: ActionBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: ActionResultSchema }, [404, 409, 413]),
    },
    handler: async (request) => {
      const { name } = request.params;
      const impl = loader.provider<ActionImpl>(MANAGER_TYPE, name);
      const provider = loader.providers({ type: MANAGER_TYPE, name }).find((p) => p.active && p.registered);
      if (typeof impl !== 'function' || !provider) {
        throw new LoaderError('unknown_module', `no running module provides manager=${name}`, { action: name });
      }
      try {
        const result = await impl(request.body ?? {});
        return { action: name, module: provider.module, result: result ?? null };
      } catch (err) {
        if (isLoaderError(err)) throw err;
        throw new HttpProblem('invalid_request', err instanceof Error ? err.message : String(err), { action: name });
      }
    },
  });
};
