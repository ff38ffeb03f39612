/**
 * SPEC 6.14 over a listening server: 1,000 conflicting calls (load, soft and firm unload,
 * holds and releases, reloads) on overlapping parts of the sample graph, fired at once. Every
 * call is answered; the final state equals a fresh loader's after replaying the operations in
 * the order the loader logged them; the invariants hold; the event seq has no gap.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LoaderApi, OpLogEntry } from '../../src/core/api.js';
import { checkInvariants } from '../../src/core/invariants.js';
import { createService, type Service } from '../../src/http/service.js';
import { startService, type TestService } from './support/service.js';
import { eventsOf, openStream, type StreamClient } from './support/ws-client.js';

const CALLS = 1000;
const MODULES = [
  'chan_sip', 'res_rtp_asterisk', 'pbx_config', 'app_dial', 'func_periodic_hook', 'app_chanspy', 'func_cut',
  'func_uri', 'func_groupcount', 'res_http_websocket', 'res_timing_dahdi', 'res_timing_pthread', 'codec_ulaw', 'app_system',
];

let s: TestService;
let replay: Service;
let stream: StreamClient;

beforeAll(async () => {
  // One boot id for both, so their user ids can be compared.
  s = await startService({ listen: true, maxBufferedBytes: 256 * 1024 * 1024, bootId: 'replayed' });
  stream = await openStream(s.url);
  replay = await createService({
    heartbeatMs: 0,
    bootId: 'replayed',
    settings: { modules: s.dirs.modules, config: s.dirs.config, host: '127.0.0.1', history: 10, load_timeout_ms: 5_000 },
  });
});
afterAll(async () => {
  await stream?.close();
  await replay?.close();
  await s?.stop();
});

/** A small seeded generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plannedCalls(seed: number): Array<{ method: string; path: string; body?: unknown }> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: CALLS }, (_, i) => {
    const module = pick(MODULES);
    const roll = next();
    if (roll < 0.3) return { method: 'POST', path: `/modules/${module}/load` };
    if (roll < 0.55) return { method: 'POST', path: `/modules/${module}/unload` };
    if (roll < 0.7) return { method: 'POST', path: `/modules/${module}/unload`, body: { force: true } };
    if (roll < 0.85) return { method: 'POST', path: `/modules/${module}/users`, body: { holder: `job-${i}`, cancellable: next() < 0.5 } };
    if (roll < 0.95) return { method: 'DELETE', path: `/users/u${1 + Math.floor(next() * 150)}` };
    return { method: 'POST', path: `/modules/${module}/reload` };
  });
}

/** Replays one logged operation on another loader. */
function apply(loader: LoaderApi, entry: OpLogEntry): Promise<unknown> {
  const target = entry.target!;
  switch (entry.kind) {
    case 'load':
      return loader.load(target);
    case 'unload':
      return loader.unload(target, { force: entry.args.force === true });
    case 'reload':
      return loader.reload(target);
    case 'add_user':
      return loader.addUser(target, { holder: String(entry.args.holder), cancellable: entry.args.cancellable === true });
    case 'release_user':
      return loader.releaseUser(target);
    default:
      throw new Error(`unexpected operation ${entry.kind}`);
  }
}

/** What must be equal: states, use counts, users (without times), providers. */
function state(loader: LoaderApi) {
  return {
    modules: loader.list(),
    users: loader.users().map(({ since: _since, ...user }) => user),
    providers: loader.providers(),
  };
}

it('answers 1,000 conflicting calls fired at once, consistently', async () => {
  const firstSeq = s.loader.nextSeq;
  const logged = s.loader.opLog().length;
  expect(state(replay.loader)).toEqual(state(s.loader));

  const answers = await Promise.all(
    plannedCalls(20240611).map(async ({ method, path, body }) => {
      const response = await fetch(`${s.url}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as { op?: string; code?: string } };
    }),
  );

  // Every call answered, with an operation of its own (refusals name theirs too).
  for (const answer of answers) expect([200, 201, 400, 404, 409], JSON.stringify(answer)).toContain(answer.status);
  const log = s.loader.opLog().slice(logged);
  expect(log).toHaveLength(CALLS);
  expect(new Set(answers.map((a) => a.json.op))).toEqual(new Set(log.map((e) => e.op)));
  const outcomes = new Map(log.map((e) => [e.op, e.ok ? 'ok' : e.code]));
  for (const answer of answers) expect(outcomes.get(answer.json.op!)).toBe(answer.status < 300 ? 'ok' : answer.json.code);
  const codes = new Set(log.map((e) => e.code ?? 'ok'));
  for (const code of ['ok', 'in_use', 'user_not_found', 'neverload']) expect(codes).toContain(code);

  // The invariants hold.
  expect(checkInvariants(s.loader)).toEqual([]);

  // The events: every seq from before the calls to the last one, once, in order.
  const lastSeq = s.loader.nextSeq - 1;
  await stream.waitFor((m) => m.seq === lastSeq);
  const seqs = eventsOf(stream.messages).map((m) => m.seq as number).filter((seq) => seq >= firstSeq);
  expect(seqs).toEqual(Array.from({ length: lastSeq - firstSeq + 1 }, (_, i) => firstSeq + i));

  // Replaying the log in its order on a fresh loader gives the same outcomes and the same state.
  for (const entry of log) {
    const outcome = await apply(replay.loader, entry).then(
      () => 'ok',
      (err: { code?: string }) => err.code,
    );
    expect(outcome, `${entry.op} ${entry.kind} ${entry.target}`).toBe(entry.ok ? 'ok' : entry.code);
  }
  expect(state(replay.loader)).toEqual(state(s.loader));
});
