/**
 * Requests Node's HTTP parser refuses before fastify sees them (a bad method, a NUL in the
 * path, headers too large, a bad Content-Length) are answered like every other error:
 * application/problem+json with a stable code and a request id. Over raw sockets, since no
 * HTTP client sends such requests.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ listen: true });
});
afterAll(async () => s?.stop());

/** Sends `request` as is and resolves with everything the server sent until it closed. */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(s.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (data) => received.push(data));
    socket.on('error', reject);
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(request);
  });
}

function parse(answer: string): { status: number; headers: Record<string, string>; json: any } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, json };
}

const host = (): string => `Host: 127.0.0.1:${s.port}\r\n`;
const CASES: Array<[string, () => string, number]> = [
  ['a method that is not one', () => `FROB /modules HTTP/1.1\r\n${host()}\r\n`, 400],
  ['a NUL in the path', () => `GET /modules/chan\0sip HTTP/1.1\r\n${host()}\r\n`, 400],
  ['headers larger than the limit', () => `GET /modules HTTP/1.1\r\n${host()}X-Filler: ${'x'.repeat(20_000)}\r\n\r\n`, 431],
  ['a Content-Length that is not a number', () => `POST /modules/func_cut/load HTTP/1.1\r\n${host()}Content-Length: abc\r\n\r\n`, 400],
  ['two different Content-Lengths', () => `POST /modules/func_cut/load HTTP/1.1\r\n${host()}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400],
  ['a request line that is not HTTP', () => 'hello there\r\n\r\n', 400],
];

describe('a request the HTTP parser refuses', () => {
  for (const [what, request, status] of CASES) {
    it(`is answered ${status} problem+json: ${what}`, async () => {
      const before = s.loader.nextSeq;
      const answer = parse(await rawExchange(request()));
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json).toMatchObject({ type: 'urn:modloader:problem:invalid_request', code: 'invalid_request', status, request_id: expect.any(String) });
      expect(answer.headers['x-request-id']).toBe(answer.json.request_id);
      expect(s.loader.nextSeq).toBe(before);
    });
  }

  it('leaves the service answering', async () => {
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
