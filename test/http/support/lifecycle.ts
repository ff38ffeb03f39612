/**
 * Helpers for the lifecycle tests over the sample PBX: real HTTP against a listening service,
 * edits of its config files, and the event stream's loader events typed as the core's.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LoaderEvent } from '../../../src/core/types.js';
import { startService, type TestService, type TestServiceOptions } from './service.js';
import { eventsOf, openStream, type StreamClient } from './ws-client.js';

export interface HttpAnswer {
  status: number;
  json: Record<string, any>;
}

/** One real HTTP request to the listening service, JSON in and out. */
export async function http(s: TestService, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** Rewrites a file of the service's config directory; returns its text before. */
export async function editConfig(s: TestService, file: string, edit: (text: string) => string): Promise<string> {
  const path = join(s.dirs.config, file);
  const before = await readFile(path, 'utf8');
  await writeFile(path, edit(before));
  return before;
}

/** The loader events a stream received (control messages left out). */
export function streamed(stream: StreamClient): LoaderEvent[] {
  return eventsOf(stream.messages) as unknown as LoaderEvent[];
}

/** `event module` lines of the events of one operation. */
export function trailOf(events: LoaderEvent[], op: string, ...only: string[]): string[] {
  return events.filter((e) => e.op === op && (only.length === 0 || only.includes(e.event))).map((e) => `${e.event} ${e.module ?? ''}`.trim());
}

/**
 * Resolves once the stream has received every event emitted before this call: it reloads a
 * running module and waits for that reload's event (the stream delivers events in seq order).
 * Lets a test assert that an event did not come without waiting for a timeout.
 */
export async function barrier(s: TestService, stream: StreamClient, running = 'chan_sip'): Promise<void> {
  const reload = await http(s, 'POST', `/modules/${running}/reload`);
  if (reload.status !== 200) throw new Error(`barrier: reload of ${running} answered ${reload.status}`);
  await stream.waitFor((m) => m.event === 'reload' && m.op === reload.json.op, 'the barrier reload');
}

/**
 * A fresh listening service with an event stream open on it (from `since`, when given) per
 * test, both closed after the test. Call at the top of a test file, `start()` in each test.
 */
export function servicePerTest(): { start(options?: TestServiceOptions & { since?: number }): Promise<{ s: TestService; stream: StreamClient }> } {
  let s: TestService | undefined;
  let stream: StreamClient | undefined;
  afterEach(async () => {
    await stream?.close();
    await s?.stop();
    s = undefined;
    stream = undefined;
  });
  return {
    async start(options = {}) {
      const service = await startService({ ...options, listen: true });
      s = service;
      const events = await openStream(service.url, options.since === undefined ? '' : `?since=${options.since}`);
      stream = events;
      if (options.since !== undefined) await events.waitFor((m) => m.event === 'live', 'the end of the replay');
      return { s: service, stream: events };
    },
  };
}
