/** `app.inject` with JSON in and out, for route tests. */
import type { FastifyInstance } from 'fastify';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: any;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export async function call(app: FastifyInstance, method: string, url: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(options.body === undefined ? {} : typeof options.body === 'string' ? { payload: options.body } : { payload: options.body as object }),
  });
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, json };
}

/** Asserts nothing about the body and returns the problem's code (for 4xx/5xx answers). */
export function problemCode(answer: Answer): string | undefined {
  return String(answer.headers['content-type']).startsWith('application/problem+json') ? (answer.json?.code as string) : undefined;
}
