/**
 * `GET /docs` (and everything under it): the OpenAPI UI over the committed document. The UI
 * stack (@fastify/swagger in static mode, @fastify/swagger-ui, @fastify/static) is loaded on the
 * first request, as an app of its own that never listens; its answers are passed on as they are.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { zodSchemaController } from '../zod-compilers.js';
import { committedDocument } from './committed.js';
import { uiLook } from './ui-theme.js';

/** Headers of the UI app's answers that are not passed on (the outer server sets its own). */
const NOT_PASSED = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date']);

async function buildUiApp(): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }, bytes] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
    committedDocument('openapi'),
  ]);
  const ui = Fastify({ logger: false, schemaController: zodSchemaController });
  await ui.register(swagger, { mode: 'static', specification: { document: JSON.parse(bytes.toString('utf8')) as never } });
  await ui.register(swaggerUi, { routePrefix: '/docs', ...uiLook });
  await ui.ready();
  return ui;
}

/** Registers the `/docs` routes on `app`; the UI is built on their first request. */
export function registerDocsUi(app: FastifyInstance): void {
  let ui: Promise<FastifyInstance> | undefined;
  const uiApp = (): Promise<FastifyInstance> => {
    ui ??= buildUiApp().catch((err: unknown) => {
      ui = undefined;
      throw err;
    });
    return ui;
  };

  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const answer = await (await uiApp()).inject({
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      url: request.url,
      headers: { ...(request.headers['if-none-match'] ? { 'if-none-match': request.headers['if-none-match'] } : {}) },
    });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!NOT_PASSED.has(name) && value !== undefined) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };

  for (const url of ['/docs', '/docs/*']) app.get(url, { config: { role: 'public' }, schema: { hide: true }, logLevel: 'warn' }, forward);
  app.addHook('onClose', async () => {
    const built = ui;
    ui = undefined;
    if (built) await (await built.catch(() => undefined))?.close();
  });
}
