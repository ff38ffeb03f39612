/**
 * Builds the management service's fastify app: zod validation and serialization, request ids,
 * the access guard, the startup gate, request metrics, problem+json errors, the documentation
 * UI (loaded on first use), the websocket support and every route. Building never listens
 * (server.ts does) and never touches the loader (the routes do, per request). Only
 * {@link AppOptions.openapi} collects the routes into an OpenAPI document (`npm run openapi`);
 * the service serves the committed copy.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory, LogController } from 'fastify';
import { registerRoutes } from '../../routes/index.js';
import { FailureThrottle, type FailureThrottleOptions } from './auth/failure-throttle.js';
import { installGuard } from './auth/guard.js';
import { installOriginGuard } from './auth/origin-guard.js';
import type { ServiceContext } from './context.js';
import { answerClientError } from './client-error.js';
import { registerDocsUi } from './docs/docs-ui.js';
import { documentTransportAnswers } from './docs/transport-answers.js';
import { installBodyDrain } from './drain-body.js';
import { installRequestMetrics } from './metrics/requests.js';
import { HttpProblem, sendProblem, toProblem } from './problem.js';
import { REQUEST_ID_HEADER, requestId } from './request-id.js';
import { installShutdownGate } from './shutdown-gate.js';
import { installStartupGate } from './startup-gate.js';
import { zodSchemaController } from './zod-compilers.js';

export interface AppOptions {
  /** A pino logger (see logger.ts); none by default. */
  logger?: FastifyBaseLogger | undefined;
  /** Largest request body accepted, in bytes (default 1 MiB); larger is 413 payload_too_large. */
  bodyLimit?: number | undefined;
  /** How long a closing event stream waits for the peer before dropping it (default 5 s). */
  closeGraceMs?: number | undefined;
  /**
   * Runs when `app.close()` starts: new requests are already answered 503, the event streams
   * are still open (so they see what this does), in-flight requests may still be running.
   */
  beforeClose?: (() => Promise<void>) | undefined;
  /** Collect the routes into the OpenAPI document (`app.swagger()`); for generating it only. */
  openapi?: boolean | undefined;
  /** Origins allowed to act besides the service's own (`--allow-origin`, SPEC 11). */
  allowOrigins?: readonly string[] | undefined;
  /** The address listened on: a `Host` accepted without tokens besides loopback names. */
  listenHost?: string | undefined;
  /** How repeated 401s from one address are slowed (default DEFAULT_FAILURE_THROTTLE). */
  failureThrottle?: FailureThrottleOptions | undefined;
  /** The server to take over (the early listener's: early/early-listener.ts); default, fastify makes one. */
  serverFactory?: FastifyServerFactory | undefined;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export async function buildApp(context: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    genReqId: requestId,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'req_id' }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Long enough that an overlong module name is answered 400 by validation, not 404.
    routerOptions: { maxParamLength: 2048 },
    // shutdown-gate.ts answers 503 as problem+json instead.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: (err, request, reply) => void sendProblem(reply, toProblem(err, request)),
    schemaController: zodSchemaController,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  installShutdownGate(app);
  // Before the websocket plugin's preClose (which closes every socket), so streams see it.
  const { beforeClose } = options;
  if (beforeClose) app.addHook('preClose', async () => beforeClose());

  // Early, so its hooks run before the guard's: a refused upgrade must still be marked as a
  // websocket request, or its socket is never closed.
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  installOriginGuard(app, { tokens: context.tokens, listenHost: options.listenHost, allowOrigins: options.allowOrigins });
  installGuard(app, context.tokens, new FailureThrottle(options.failureThrottle));
  installStartupGate(app, () => context.startup);
  installRequestMetrics(app, () => context.metrics);
  installBodyDrain(app);
  documentTransportAnswers(app);

  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, toProblem(new HttpProblem('not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request)),
  );

  if (options.openapi) {
    const [{ default: fastifySwagger }, { swaggerOptions }] = await Promise.all([import('@fastify/swagger'), import('./docs/openapi-options.js')]);
    await app.register(fastifySwagger, swaggerOptions);
  }
  registerDocsUi(app);
  await app.register(registerRoutes, { context, closeGraceMs: options.closeGraceMs ?? 5000 });
  return app;
}
