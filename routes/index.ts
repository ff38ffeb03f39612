/**
 * Every route of the management service (SPEC 9), one file per resource. Each route declares
 * its role (`config.role`), its zod schemas and a handler of a few lines over the loader.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../src/http/context.js';
import { actionRoutes } from './actions.js';
import { ariRoutes } from './ari/index.js';
import { authRoutes } from './auth.js';
import { configRoutes } from './config.js';
import { consoleRoutes } from './console.js';
import { documentRoutes } from './documents.js';
import { eventRoutes } from './events.js';
import { graphRoutes } from './graph.js';
import { healthRoutes } from './health.js';
import { manifestRoutes } from './manifests.js';
import { moduleRoutes } from './modules.js';
import { providerRoutes } from './providers.js';
import { userRoutes } from './users.js';

export const registerRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, options) => {
  for (const routes of [
    moduleRoutes,
    userRoutes,
    manifestRoutes,
    providerRoutes,
    graphRoutes,
    configRoutes,
    actionRoutes,
    eventRoutes,
    healthRoutes,
    documentRoutes,
    ariRoutes,
    authRoutes,
    consoleRoutes,
  ]) {
    await app.register(routes, options);
  }
};
