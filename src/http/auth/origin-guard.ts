/**
 * SPEC 11: no request from another origin acts on the operator's behalf. A web page in the
 * operator's browser can send requests to the service (it is on loopback, or reachable from
 * the browser's network); three rules keep such a page from driving the loader:
 *
 * 1. **Host** (without tokens only). A DNS rebinding page runs as `http://evil.example:8088`
 *    whose name now resolves to 127.0.0.1: to the browser it is same-origin with the service,
 *    so it may read answers and its `Origin` matches its `Host`. Its `Host` header is still
 *    `evil.example`: without tokens, a `Host` that is not a loopback name or address (or the
 *    address listened on) is refused, 403 `host_refused`. With tokens a page cannot get a
 *    secret, and the service may sit behind a proxy with any name, so any `Host` is answered.
 * 2. **Origin** (in every mode). Browsers send `Origin` on every cross-origin request that is
 *    not a GET or HEAD, and on every websocket upgrade. A mutating request or an upgrade whose
 *    `Origin` is not the service's own (its scheme, host and port equal to the `Host` it was
 *    sent to: the web console) nor one configured as allowed is refused, 403 `origin_refused`.
 *    `Origin: null` (sandboxed frames, files) is never same-origin. A cross-origin GET is
 *    answered: the browser does not let the other page read it.
 * 3. **Body type** (in every mode). An HTML form or a `no-cors` fetch can only send
 *    `application/x-www-form-urlencoded`, `multipart/form-data` and `text/plain` bodies
 *    without a CORS preflight (which the service never grants). A mutating request must have
 *    no body, or a JSON one: any other type, or a body without a type, is 415
 *    `invalid_request`, unless the route declares it takes that type (`schema.consumes`; only
 *    `POST /manifests/check`, which lints text and changes nothing). Bodyless requests without a
 *    type stay accepted (`curl -XPOST`, ARI clients): a browser sending one cross-origin also
 *    sends `Origin`, which rule 2 refuses.
 *
 * Non-browser clients (the CLI, curl, ARI libraries) send no `Origin` and are unaffected.
 * Checked in `onRequest`, before authentication and before the body is read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../problem.js';
import { hostRefusal, type OriginGuardOptions, originRefusal, originRules, SAFE_METHODS } from './origin-rules.js';

export type { OriginGuardOptions } from './origin-rules.js';

const JSON_TYPE = 'application/json';

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header: string): string {
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Installs the three checks as an `onRequest` hook of `app`. */
export function installOriginGuard(app: FastifyInstance, options: OriginGuardOptions): void {
  const rules = originRules(options);

  app.addHook('onRequest', async (request) => {
    const refusal = hostRefusal(request.headers, rules) ?? originRefusal(request.method, request.headers, rules);
    if (refusal) throw new HttpProblem(refusal.code, refusal.detail);

    if (SAFE_METHODS.has(request.method)) return;
    const typeHeader = request.headers['content-type'];
    if (typeHeader === undefined) {
      if (hasBody(request)) throw new HttpProblem('invalid_request', 'a request body needs Content-Type: application/json', {}, 415);
      return;
    }
    const type = mediaType(typeHeader);
    const consumes = (request.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes ?? [];
    if (type !== JSON_TYPE && !consumes.includes(type)) {
      throw new HttpProblem(
        'invalid_request',
        `${request.method} ${request.url.split('?')[0]} takes no body or a JSON one (Content-Type: application/json), not ${type || 'an empty type'}`,
        {},
        415,
      );
    }
  });
}
