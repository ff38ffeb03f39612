/**
 * The Host and Origin rules of SPEC 11 (rules 1 and 2 of origin-guard.ts, which says why), as
 * plain functions of a request's method and headers: the fastify guard and the early listener
 * (early/early-listener.ts), which answers before fastify is imported, apply the same ones.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProblemCode } from '../problem-codes.js';
import { isLoopback } from './listen-policy.js';
import type { TokenStore } from './token-store.js';

export interface OriginGuardOptions {
  /** Whether tokens are configured is read per request (a config reload may change it). */
  tokens: Pick<TokenStore, 'enabled'>;
  /** The address the service listens on: accepted as a `Host` besides loopback names. */
  listenHost?: string | undefined;
  /** Origins (`scheme://host[:port]`) allowed to send mutating requests and open the stream. */
  allowOrigins?: readonly string[] | undefined;
}

/** The options as the rules read them. */
export interface OriginRules {
  tokens: Pick<TokenStore, 'enabled'>;
  /** The host name of the address listened on. */
  listenName: string | undefined;
  allowOrigins: ReadonlySet<string>;
}

export function originRules(options: OriginGuardOptions): OriginRules {
  return {
    tokens: options.tokens,
    listenName: options.listenHost === undefined ? undefined : hostName(options.listenHost),
    allowOrigins: new Set(options.allowOrigins ?? []),
  };
}

/** Why a request is refused. */
export interface Refusal {
  code: Extract<ProblemCode, 'host_refused' | 'origin_refused'>;
  detail: string;
}

export const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The host name of a `Host` header (no port, no brackets, lower case, no trailing dot). */
export function hostName(host: string): string {
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return bare.toLowerCase().replace(/\.$/, '');
}

/** True for a `Host` naming this machine's loopback: `localhost`, `*.localhost`, 127/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host);
  return isLoopback(name) || name.endsWith('.localhost');
}

/** The `Origin` header's origin when it is the one `host` (the request's `Host`) makes. */
function isSameOrigin(origin: URL, host: string): boolean {
  try {
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}

function parseOrigin(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Rule 1: without tokens, a `Host` that is not a loopback name (nor the address listened on). */
export function hostRefusal(headers: IncomingHttpHeaders, rules: OriginRules): Refusal | undefined {
  const host = headers.host;
  if (rules.tokens.enabled || host === undefined || isLoopbackHost(host) || hostName(host) === rules.listenName) return undefined;
  return {
    code: 'host_refused',
    detail: `Host ${JSON.stringify(host)} is not a loopback name: without tokens only loopback names are answered (a DNS rebinding page sends its own name)`,
  };
}

/** Rule 2: a mutating request or an upgrade whose `Origin` is neither the service's own nor allowed. */
export function originRefusal(method: string, headers: IncomingHttpHeaders, rules: OriginRules): Refusal | undefined {
  const upgrade = headers.upgrade !== undefined;
  const originHeader = headers.origin;
  if ((SAFE_METHODS.has(method) && !upgrade) || originHeader === undefined) return undefined;
  const origin = parseOrigin(originHeader);
  const same = origin !== undefined && headers.host !== undefined && isSameOrigin(origin, headers.host);
  if (same || (origin !== undefined && rules.allowOrigins.has(origin.origin))) return undefined;
  return {
    code: 'origin_refused',
    detail: `a request from ${JSON.stringify(originHeader)} may not act here: it is not this service's origin nor one allowed (--allow-origin)`,
  };
}
