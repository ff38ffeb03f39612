/** Manifests: parsed or as INI text, hot install (rescan), lint (SPEC 9, 6.10). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answers } from '../src/http/answers.js';
import { OPTIONAL_BODY } from '../src/http/docs/openapi-options.js';
import { EmptyBody, ModuleNameParams } from '../src/http/schemas/common.js';
import {
  ManifestCheckBody,
  ManifestCheckResult,
  MANIFEST_CHECK_LIMIT,
  ManifestListSchema,
  ManifestSchema,
  RescanResultSchema,
} from '../src/http/schemas/manifests.js';
import type { RouteOptions } from '../src/http/context.js';
import { HttpProblem } from '../src/http/problem.js';

/** True when the client prefers text/plain to JSON. */
function wantsText(accept: string | undefined): boolean {
  if (!accept) return false;
  const text = accept.indexOf('text/plain');
  const json = accept.indexOf('application/json');
  return text !== -1 && (json === -1 || text < json);
}

export const manifestRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { loader } = context;

  app.get('/manifests', {
    config: { role: 'read' },
    schema: { tags: ['manifests'], summary: 'Every manifest, parsed', response: answers({ 200: ManifestListSchema }) },
    handler: async () => ({ manifests: loader.manifests() }),
  });

  app.get('/manifests/:name', {
    config: { role: 'read' },
    schema: {
      tags: ['manifests'],
      summary: 'One manifest, parsed; `Accept: text/plain` gives the INI text',
      params: ModuleNameParams,
      response: answers({ 200: ManifestSchema }, [404]),
    },
    handler: async (request, reply) => {
      const manifest = loader.manifest(request.params.name);
      if (!wantsText(request.headers.accept)) return manifest;
      return reply.type('text/plain; charset=utf-8').serializer((text: unknown) => String(text)).send(context.manifestText(manifest));
    },
  });

  app.post('/manifests/rescan', {
    config: { role: 'admin' },
    schema: {
      tags: ['manifests'],
      summary: 'Hot install: pick up new, changed and removed manifests',
      body: EmptyBody,
      [OPTIONAL_BODY]: true,
      response: answers({ 200: RescanResultSchema }, [409, 413]),
    },
    handler: async (request) => context.rescan(request.id),
  });

  app.post('/manifests/check', {
    config: { role: 'read' },
    bodyLimit: MANIFEST_CHECK_LIMIT,
    schema: {
      tags: ['manifests'],
      summary: 'Lint a manifest sent as text/plain; 422 manifest_invalid lists every problem',
      consumes: ['text/plain'],
      body: ManifestCheckBody,
      response: answers({ 200: ManifestCheckResult }, [413, 415, 422]),
    },
    handler: async (request) => {
      const parsed = context.lintManifest(request.body);
      if (!parsed.ok) {
        throw new HttpProblem('manifest_invalid', `the manifest has ${parsed.errors.length} problem(s)`, { problems: parsed.errors });
      }
      return { ok: true as const, manifest: parsed.manifest };
    },
  });
};
