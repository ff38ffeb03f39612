/**
 * The lifecycle issue's item 6 over real HTTP and a real websocket: every refusal is streamed,
 * not only those at startup. A load, a hold or a dependency refused for a cycle streams
 * `dependency_cycle` with the cycle; one refused for a ban streams `neverload_refused`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED_MODULES } from '../support/extra-modules.js';
import { barrier, http } from '../support/lifecycle.js';
import { startService, type TestService } from '../support/service.js';
import { openStream, type StreamClient } from '../support/ws-client.js';

let s: TestService;
let stream: StreamClient;
beforeAll(async () => {
  s = await startService({ listen: true, modules: REFUSED_MODULES });
  stream = await openStream(s.url);
});
afterAll(async () => {
  await stream?.close();
  await s?.stop();
});

/** The stream's events of the operation a refused request ran (its problem carries the op). */
async function refusal(method: string, path: string, body: unknown, code: string, event: string) {
  const answer = await http(s, method, path, body);
  expect(answer.status).toBe(409);
  expect(answer.json.code).toBe(code);
  const op = answer.json.op as string;
  expect(op).toEqual(expect.any(String));
  await barrier(s, stream);
  const streamedEvents = stream.messages.filter((m) => m.event === event && m.op === op);
  expect(streamedEvents, `${event} streamed for ${op}`).toHaveLength(1);
  return { answer, streamedEvent: streamedEvents[0]! };
}

describe('refused for a cycle', () => {
  it('POST /modules/cyc_a/load streams dependency_cycle with the cycle', async () => {
    const { answer, streamedEvent } = await refusal('POST', '/modules/cyc_a/load', undefined, 'dependency_cycle', 'dependency_cycle');
    expect(answer.json.cycle).toEqual(['cyc_a', 'cyc_b', 'cyc_a']);
    expect(streamedEvent.cycle).toEqual(answer.json.cycle);
  });

  it('a hold (POST /modules/cyc_b/users) streams it too', async () => {
    const { streamedEvent } = await refusal('POST', '/modules/cyc_b/users', { holder: 'ops' }, 'dependency_cycle', 'dependency_cycle');
    expect(streamedEvent.cycle).toEqual(['cyc_a', 'cyc_b', 'cyc_a']);
  });

  it('a dependency (POST /modules/cyc_top/load) streams it too', async () => {
    const { streamedEvent } = await refusal('POST', '/modules/cyc_top/load', undefined, 'dependency_cycle', 'dependency_cycle');
    expect(streamedEvent.cycle).toEqual(['cyc_a', 'cyc_b', 'cyc_a']);
  });
});

describe('refused for a ban', () => {
  it('POST /modules/app_system/load streams neverload_refused', async () => {
    const { streamedEvent } = await refusal('POST', '/modules/app_system/load', undefined, 'neverload', 'neverload_refused');
    expect(streamedEvent.module).toBe('app_system');
  });

  it('a hold (POST /modules/func_shell/users) streams it too', async () => {
    const { streamedEvent } = await refusal('POST', '/modules/func_shell/users', { holder: 'ops' }, 'neverload', 'neverload_refused');
    expect(streamedEvent.module).toBe('func_shell');
  });

  it('a dependency (POST /modules/app_needs_shell/load) streams it, naming the banned module', async () => {
    const { streamedEvent } = await refusal('POST', '/modules/app_needs_shell/load', undefined, 'neverload', 'neverload_refused');
    expect(streamedEvent.module).toBe('func_shell');
  });
});
