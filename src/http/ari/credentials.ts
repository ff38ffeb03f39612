/**
 * ARI's ways of authenticating (as Asterisk's res_ari reads them), mapped onto the clients of
 * tokens.conf: HTTP basic `user:secret` or the `api_key=user:secret` query parameter, where
 * `user` is the client's section name and `secret` its `secret=`; the client's `role=` then
 * applies as everywhere else. A bearer token is accepted too. Only called when tokens are
 * configured (without them every request is the local admin, see guard.ts).
 */
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../problem.js';
import type { Client, TokenStore } from '../auth/token-store.js';

/** The realm ARI's 401 answers name in `WWW-Authenticate`. */
export const ARI_REALM = 'modloader ARI';

/** `user:secret` split at the first colon; undefined when there is no secret. */
function splitPair(text: string): { user: string; secret: string } | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return undefined;
  return { user: text.slice(0, colon), secret: text.slice(colon + 1) };
}

function refused(): HttpProblem {
  return new HttpProblem('unauthorized', 'Authentication required: basic auth or api_key=user:secret of a tokens.conf client');
}

/** The guard's `authenticate` for ARI routes. Throws 401 `unauthorized`. */
export function ariCredentials(request: FastifyRequest, tokens: TokenStore): Client {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const basic = /^Basic[ ]+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
    if (basic) {
      const pair = splitPair(Buffer.from(basic[1]!, 'base64').toString('utf8'));
      const client = pair && tokens.lookupUser(pair.user, pair.secret);
      if (!client) throw refused();
      return client;
    }
    const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const client = bearer && tokens.lookup(bearer[1]!);
    if (!client) throw refused();
    return client;
  }
  const key = (request.query as Record<string, unknown> | undefined)?.api_key;
  const pair = typeof key === 'string' ? splitPair(key) : undefined;
  const client = pair && tokens.lookupUser(pair.user, pair.secret);
  if (!client) throw refused();
  return client;
}
