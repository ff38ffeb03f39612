/**
 * The web console (SPEC 9: `GET /`): the page at `/` and `/console`, its script and its
 * stylesheet, built from `console/` at `npm install` (src/http/console/build.ts). Public like
 * `/docs`: the page holds no data; what it shows it asks the API for, with the token the
 * operator gives it. Three fixed files, so no path is ever taken from a request.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConsoleAssets, ConsoleNotBuiltError, type ConsoleFile } from '../src/http/console/assets.js';
import { consoleOutDir } from '../src/http/console/files.js';
import { HttpProblem } from '../src/http/problem.js';
import { packageRoot } from '../src/http/settings.js';
import type { RouteOptions } from '../src/http/context.js';

/** Same-origin everything: no inline script, no third party, not framed. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ROUTES: Array<{ url: string; file: ConsoleFile }> = [
  { url: '/', file: 'page' },
  { url: '/console', file: 'page' },
  { url: '/console/console.js', file: 'script' },
  { url: '/console/console.css', file: 'styles' },
];

export const consoleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app) => {
  const assets = new ConsoleAssets(consoleOutDir(packageRoot()));

  for (const { url, file } of ROUTES) {
    app.get(url, {
      config: { role: 'public' },
      schema: { hide: true },
      handler: async (request, reply) => {
        const asset = await assets.get(file).catch((err: unknown) => {
          if (err instanceof ConsoleNotBuiltError) throw new HttpProblem('not_found', err.message);
          throw err;
        });
        reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache', etag: asset.etag });
        if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
        return reply.type(asset.contentType).send(asset.body);
      },
    });
  }
};
