/**
 * The access rules of SPEC 11, enforced for every route from the role it declares in its
 * `config.role`. A route that declares none fails at startup (so no route is ever open by
 * mistake); only the documentation UI under `/docs` is public by default.
 *
 * - No tokens configured: every request acts as the local `admin` (the service then only
 *   listens on loopback, see listen-policy.ts).
 * - Otherwise `Authorization: Bearer <secret>` (or `?token=` on routes that allow it: the
 *   websocket, since browsers cannot set its headers) names a client of tokens.conf; none or
 *   an unknown one is 401 `unauthorized`, a role too low is 403 `forbidden`.
 * - A route may raise its role from the validated body (`adminWhen`: a firm unload is admin).
 * - An address that keeps failing authentication must wait (429 `too_many_failures` with
 *   `Retry-After`) before its tokens are looked at again (failure-throttle.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../problem.js';
import { FailureThrottle } from './failure-throttle.js';
import { ProblemSchema } from '../schemas/problem.js';
import { type Role, roleIncludes } from './roles.js';
import type { Client, TokenStore } from './token-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; `public` needs no token. */
    role?: Role | 'public';
    /** Raises the route's role to admin when this holds for the validated body. */
    adminWhen?: (body: unknown) => boolean;
    /** Accept the token as `?token=` too (the websocket). */
    queryToken?: boolean;
    /** Reads the credentials another way than a bearer token (ARI: basic auth, `api_key`). */
    authenticate?: (request: FastifyRequest, tokens: TokenStore) => Client;
  }
  interface FastifyRequest {
    /** The authenticated client; null on public routes. */
    client: Client | null;
  }
}

const LOCAL: Client = { name: 'local', role: 'admin' };

function bearer(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  if (allowQuery) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string') return token;
  }
  return undefined;
}

function authenticate(request: FastifyRequest, tokens: TokenStore): Client {
  if (!tokens.enabled) return LOCAL;
  const custom = request.routeOptions.config.authenticate;
  if (custom) return custom(request, tokens);
  const secret = bearer(request, request.routeOptions.config.queryToken === true);
  if (secret === undefined) {
    throw new HttpProblem('unauthorized', 'this needs a bearer token (Authorization: Bearer <secret>)');
  }
  const client = tokens.lookup(secret);
  if (!client) throw new HttpProblem('unauthorized', 'the bearer token is not one of tokens.conf');
  return client;
}

function authorize(client: Client, needed: Role): void {
  if (!roleIncludes(client.role, needed)) {
    throw new HttpProblem('forbidden', `this needs the ${needed} role; client '${client.name}' has ${client.role}`, {
      required_role: needed,
      role: client.role,
    });
  }
}

interface DocumentedSchema {
  security?: unknown;
  response?: Record<number, unknown>;
}

/** Writes the route's role into its OpenAPI operation, with the 401, 403 and 429 answers. */
function document(schema: DocumentedSchema, role: Role): void {
  schema.security = [{ bearer: [role] }];
  if (schema.response) schema.response = { ...schema.response, 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema };
}

/** Installs the checks on `app` (before any route is added). */
export function installGuard(app: FastifyInstance, tokens: TokenStore, throttle = new FailureThrottle()): void {
  app.decorateRequest('client', null);

  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const config = route.config as { role?: Role | 'public' };
    if (config.role === undefined) {
      if (route.url === '/docs' || route.url.startsWith('/docs/')) config.role = 'public';
      else throw new Error(`route ${String(route.method)} ${route.url} declares no role (config.role)`);
    }
    if (config.role !== 'public' && route.schema) document(route.schema as DocumentedSchema, config.role);
  });

  app.addHook('onRequest', async (request, reply) => {
    const role = request.routeOptions.config.role;
    if (role === undefined || role === 'public') return;
    const wait = tokens.enabled ? throttle.waitMs(request.ip) : 0;
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header('retry-after', String(seconds));
      throw new HttpProblem('too_many_failures', `too many requests with a wrong token from this address; try again in ${seconds} s`);
    }
    let client: Client;
    try {
      client = authenticate(request, tokens);
    } catch (err) {
      throttle.failed(request.ip);
      throw err;
    }
    authorize(client, role);
    request.client = client;
  });

  app.addHook('preHandler', async (request) => {
    const { adminWhen } = request.routeOptions.config;
    if (adminWhen && request.client && adminWhen(request.body)) authorize(request.client, 'admin');
  });
}
