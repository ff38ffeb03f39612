/**
 * The remote commands' HTTP client: JSON calls to a running service with the bearer token, and
 * every failure turned into a {@link RemoteError} with the exit status the CLI answers with.
 */

/** Exit statuses of the remote commands. */
export const EXIT = {
  ok: 0,
  /** The service refused or failed the request (a problem+json answer). */
  refused: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The service could not be reached, or did not answer like modloader. */
  unreachable: 3,
} as const;

export class RemoteError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The problem+json answer, when the service sent one. */
    readonly problem?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface RemoteTarget {
  /** e.g. `http://127.0.0.1:8088` (no trailing slash). */
  url: string;
  token?: string | undefined;
}

/** A user as a short phrase: `channel SIP/alice-1a2b (u23)`. */
export function describeUser(user: { kind?: unknown; holder?: unknown; id?: unknown }): string {
  return `${String(user.kind)} ${String(user.holder)}${user.id ? ` (${String(user.id)})` : ''}`;
}

function problemMessage(status: number, problem: Record<string, unknown>): string {
  const code = String(problem.code ?? `http_${status}`);
  let message = `${String(problem.detail ?? problem.title ?? 'request failed')} [${code}]`;
  if (Array.isArray(problem.users) && problem.users.length > 0) {
    message += `\n  held by: ${problem.users.map((u) => describeUser(u as Record<string, unknown>)).join(', ')}`;
  }
  if (code === 'unauthorized') message += '\n  give a token with --token or MODLOADER_TOKEN';
  if (code === 'forbidden') message += '\n  this token does not carry the role the command needs';
  return message;
}

/** Calls the service; resolves with the JSON answer of a 2xx, rejects with a RemoteError. */
export async function request<T>(target: RemoteTarget, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new RemoteError(`cannot reach the service at ${target.url}: ${cause}`, EXIT.unreachable);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RemoteError(`${target.url}${path} answered ${response.status} without JSON: is this a modloader service?`, EXIT.unreachable);
  }
  if (!response.ok) {
    const problem = (json ?? {}) as Record<string, unknown>;
    throw new RemoteError(problemMessage(response.status, problem), EXIT.refused, problem);
  }
  return json as T;
}
