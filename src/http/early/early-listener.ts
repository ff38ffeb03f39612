/**
 * The early listener (docs/operations.md, "The first instants"): `modloader serve` opens the
 * service's `node:http` server before fastify, zod and the service are imported, so a
 * supervisor's liveness probe is answered as soon as Node itself could answer it. Until the
 * app is built and takes the same server over ({@link EarlyListener.handOver}):
 *
 * - `GET`/`HEAD` `/health/live` answers 200, `/health` 200 `starting` and `/health/ready` 503
 *   `starting`, in the shapes of routes/health.ts (early-health.ts);
 * - the Host and Origin rules of SPEC 11 (auth/origin-rules.ts) refuse what the service would
 *   refuse, health routes included;
 * - every other request, and every websocket upgrade, is held unanswered, its body unread, and
 *   handed to the app once it is ready, in arrival order; at most {@link EarlyOptions.maxHeld}
 *   at once, each at most {@link EarlyOptions.holdMs}: past either bound it is answered 503
 *   `starting` with Retry-After.
 *
 * Only `node:*` modules and the small files named above are imported here: nothing of fastify,
 * zod or pino.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hostRefusal, originRefusal, originRules, type OriginGuardOptions } from '../auth/origin-rules.js';
import { rawProblemResponse, refuseClientError } from '../client-error.js';
import { drainAfterAnswer } from '../drain-body.js';
import { problemBody, type ProblemCode, RETRY_AFTER_S } from '../problem-codes.js';
import type { Problem } from '../schemas/problem.js';
import { REQUEST_ID_HEADER, requestId } from '../request-id.js';
import { setSocketTimeouts } from '../server.js';
import { earlyHealth } from './early-health.js';

export interface EarlyOptions extends OriginGuardOptions {
  host: string;
  port: number;
  /** This start's boot id, which the service keeps. */
  bootId: string;
  /** When the service started (ms since the epoch), for `uptime_s`; the service keeps it. */
  startedAt: number;
  /** Requests (and upgrades) held at once before more are answered 503 (default 100). */
  maxHeld?: number | undefined;
  /** Longest a request is held before it is answered 503 (default 10 s). */
  holdMs?: number | undefined;
}

export const DEFAULT_MAX_HELD = 100;
export const DEFAULT_HOLD_MS = 10_000;
/** How long close() lets connections finish before it drops them. */
const CLOSE_GRACE_MS = 1_000;

/** What the early listener did before it handed over. */
export interface EarlyCounts {
  /** Health requests it answered itself. */
  answered: number;
  /** Requests refused: Host or Origin rules, or past a bound. */
  refused: number;
  /** Requests and upgrades handed to the app. */
  handedOver: number;
}

export interface EarlyListener {
  /** The listening server, which the app takes over. */
  readonly server: Server;
  readonly port: number;
  /** The boot id and start time it answered with, for the service to keep. */
  readonly bootId: string;
  readonly startedAt: number;
  /** Requests and upgrades held now. */
  readonly holding: number;
  /**
   * Fastify's `serverFactory`: gives fastify this server; fastify's handler is attached at
   * once, and reached only after {@link handOver}. Fastify's `listen()` then adopts the bound
   * socket instead of binding again (so it logs "Server listening at" once, and closes the
   * server as its own).
   */
  serverFactory(handler: (req: IncomingMessage, res: ServerResponse) => void): Server;
  /**
   * The app is ready: from now on the server's requests, upgrades and parse errors go to its
   * own listeners (fastify's, @fastify/websocket's); the held ones are given to them first, in
   * arrival order.
   */
  handOver(): EarlyCounts;
  /**
   * The service will not start: answers the held requests (and any new one) 503
   * `shutting_down`, and closes the server. Nothing once handed over (the app closes it then).
   */
  close(): Promise<void>;
}

/** Whether part of `req`'s body may not have arrived yet (it is answered as it arrives). */
function hasUnreadBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return !req.complete && (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'));
}

/** A request, or an upgrade (whose socket no response object owns). */
type Target = { req: IncomingMessage; res: ServerResponse } | { req: IncomingMessage; socket: Socket; head: Buffer };

interface Held {
  target: Target;
  timer: NodeJS.Timeout;
}

/** Listens on `options.host`:`options.port` and answers as above until handed over. */
export async function openEarlyListener(options: EarlyOptions): Promise<EarlyListener> {
  const maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  const rules = originRules(options);
  const health = earlyHealth(options);
  const held: Held[] = [];
  const counts: EarlyCounts = { answered: 0, refused: 0, handedOver: 0 };
  let closing = false;
  let handedOver = false;

  const server = createServer();
  setSocketTimeouts(server);

  /** Sends `body` as JSON (or problem+json); a body not read yet is drained first, so the client sees the answer. */
  const send = (target: Target, body: object, status: number, headers: Record<string, string>, type = 'application/json'): void => {
    const { req } = target;
    if (!('res' in target)) {
      // The raw answer carries the request id and closes the connection itself.
      const { [REQUEST_ID_HEADER]: _id, connection: _close, ...extra } = headers;
      if (target.socket.writable) target.socket.end(rawProblemResponse(body as Problem, extra));
      else target.socket.destroy();
      return;
    }
    if (hasUnreadBody(req)) {
      headers['connection'] = 'close';
      drainAfterAnswer(req, () => undefined);
    }
    const text = JSON.stringify(body);
    target.res.writeHead(status, { ...headers, 'content-type': `${type}; charset=utf-8`, 'content-length': String(Buffer.byteLength(text)) });
    target.res.end(req.method === 'HEAD' ? undefined : text);
  };

  /** Answers `target` with the problem `code` (503s with Retry-After). */
  const refuse = (target: Target, code: ProblemCode, detail: string): void => {
    counts.refused += 1;
    const id = requestId(target.req);
    const body = problemBody(code, detail, target.req.url ?? '', id);
    const headers: Record<string, string> = { [REQUEST_ID_HEADER]: id };
    if (code === 'starting' || code === 'shutting_down') headers['retry-after'] = String(RETRY_AFTER_S[code]);
    if (code === 'shutting_down') headers['connection'] = 'close';
    send(target, body, body.status, headers, 'application/problem+json');
  };

  const release = (entry: Held): void => {
    const at = held.indexOf(entry);
    if (at >= 0) held.splice(at, 1);
    clearTimeout(entry.timer);
  };

  /** Holds `target` for the app, within the bounds. */
  const hold = (target: Target): void => {
    if (held.length >= maxHeld) {
      refuse(target, 'starting', `the service is starting: ${maxHeld} requests already wait for it; try again in a second`);
      return;
    }
    const entry: Held = {
      target,
      timer: setTimeout(() => {
        release(entry);
        refuse(target, 'starting', `the service did not finish starting within ${holdMs / 1000} s; try again in a second`);
      }, holdMs),
    };
    held.push(entry);
    // A client that gives up is forgotten.
    ('res' in target ? target.res : target.socket).once('close', () => release(entry));
  };

  /** The Host and Origin rules' refusal of `req`, if any. */
  const refusal = (req: IncomingMessage) => hostRefusal(req.headers, rules) ?? originRefusal(req.method ?? '', req.headers, rules);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = { req, res };
    if (closing) return refuse(target, 'shutting_down', 'the service could not start (see its log)');
    const refused = refusal(req);
    if (refused) return refuse(target, refused.code, refused.detail);
    const route = req.method === 'GET' || req.method === 'HEAD' ? health.get((req.url ?? '').split('?')[0] ?? '') : undefined;
    if (!route) return hold(target);
    counts.answered += 1;
    const id = requestId(req);
    const { status, body } = route(req.url ?? '', id);
    const headers: Record<string, string> = { [REQUEST_ID_HEADER]: id };
    if (status === 503) headers['retry-after'] = String(RETRY_AFTER_S.starting);
    send(target, body, status, headers, status === 503 ? 'application/problem+json' : 'application/json');
  };

  /** While held, nothing else listens to the socket: its errors (a reset) are dropped. */
  const ignore = (): void => undefined;
  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', ignore);
    const target = { req, socket, head };
    if (closing) return refuse(target, 'shutting_down', 'the service could not start (see its log)');
    const refused = refusal(req);
    if (refused) return refuse(target, refused.code, refused.detail);
    hold(target);
  };

  const onClientError = (err: Error & { code?: string }, socket: Socket): void => refuseClientError(err, socket);

  // Until handOver(), the request, upgrade and clientError events reach these listeners only:
  // fastify and @fastify/websocket attach theirs while the app is built, before it can answer.
  // (Registered too, so that Node, which counts 'upgrade' listeners, emits upgrades.)
  const early = new Map<string, (...args: any[]) => void>([
    ['request', onRequest],
    ['upgrade', onUpgrade],
    ['clientError', onClientError],
  ]);
  for (const [event, listener] of early) server.on(event, listener);
  server.emit = function gatedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    const listener = typeof event === 'string' ? early.get(event) : undefined;
    if (!listener) return Object.getPrototypeOf(this).emit.call(this, event, ...args) as boolean;
    listener(...args);
    return true;
  };
  const ungate = (): void => {
    delete (server as Partial<Server>).emit;
    for (const [event, listener] of early) server.off(event, listener);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    server,
    port,
    bootId: options.bootId,
    startedAt: options.startedAt,
    get holding() {
      return held.length;
    },
    serverFactory(handler) {
      server.on('request', handler);
      // The socket is bound already: fastify's listen() waits for 'listening', so say it again.
      server.listen = function adoptBoundSocket(this: Server) {
        process.nextTick(() => this.emit('listening'));
        return this;
      } as Server['listen'];
      return server;
    },
    handOver() {
      if (handedOver) return { ...counts };
      handedOver = true;
      ungate();
      delete (server as Partial<Server>).listen;
      for (const { target, timer } of held.splice(0)) {
        clearTimeout(timer);
        if ('res' in target ? target.res.destroyed : target.socket.destroyed) continue;
        counts.handedOver += 1;
        if ('res' in target) {
          server.emit('request', target.req, target.res);
        } else {
          target.socket.off('error', ignore);
          server.emit('upgrade', target.req, target.socket, target.head);
        }
      }
      return { ...counts };
    },
    async close() {
      if (handedOver || closing) return;
      closing = true;
      for (const { target, timer } of held.splice(0)) {
        clearTimeout(timer);
        refuse(target, 'shutting_down', 'the service could not start (see its log)');
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A connection still sending a request would keep the process; the answers are out by then.
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
    },
  };
}
