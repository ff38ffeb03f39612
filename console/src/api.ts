/**
 * The service's API as the console calls it: same origin, the bearer token in a header (and in
 * `?token=` for the websocket, which cannot carry one), JSON bodies on every mutating call
 * (`{}` when there is nothing else, with `content-type: application/json`, as the service's
 * cross-origin rules expect), problem+json errors as {@link ApiError}.
 */
/** An error answer of the service (or a failure to reach it: status 0, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class Api {
  token: string | null = null;

  constructor(private readonly origin: string = location.origin) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** A mutating call: always a JSON object body. */
  send<T>(method: 'POST' | 'DELETE', path: string, body: object = {}): Promise<T> {
    return this.call<T>(method, path, body);
  }

  /** The event stream's websocket address; `boot`: the boot id `since` belongs to. */
  eventsUrl(since: number | null, boot: string | null = null): string {
    const url = new URL('/events', this.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (since !== null) url.searchParams.set('since', String(since));
    if (since !== null && boot !== null) url.searchParams.set('boot', boot);
    if (this.token) url.searchParams.set('token', this.token);
    return url.href;
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, this.origin), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(0, 'network', `the service did not answer ${method} ${path}: ${String(err)}`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
      const code = typeof problem.code === 'string' ? problem.code : `http_${response.status}`;
      const detail = typeof problem.detail === 'string' ? problem.detail : `${method} ${path} answered ${response.status}`;
      throw new ApiError(response.status, code, detail, problem);
    }
    return parsed as T;
  }
}

/** `/modules/<name>` paths; names are already safe (SPEC 2), encoded all the same. */
export function modulePath(name: string, rest = ''): string {
  return `/modules/${encodeURIComponent(name)}${rest}`;
}
