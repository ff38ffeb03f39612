/**
 * The hub's fan-out rules, over a recording sink (an EventSink that keeps what it is given and
 * reports a buffered size the test sets). The real websocket is exercised in the stream tests.
 */
import { describe, expect, it } from 'vitest';
import type { LoaderEvent } from '../../../src/core/types.js';
import { compileFilter } from '../../../src/http/events/filter.js';
import { CLOSE_GOING_AWAY, CLOSE_SLOW_SUBSCRIBER, EventHub, type EventSink } from '../../../src/http/events/hub.js';
import type { OutgoingMessage } from '../../../src/http/events/ws-frame.js';

class RecordingSink implements EventSink {
  messages: Array<Record<string, unknown>> = [];
  given: OutgoingMessage[] = [];
  buffered = 0;
  closed: { code: number; reason: string } | undefined;
  send(message: OutgoingMessage): void {
    this.given.push(message);
    this.messages.push(JSON.parse(message.text) as Record<string, unknown>);
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  get seqs(): unknown[] {
    return this.messages.filter((m) => 'seq' in m).map((m) => m.seq);
  }
}

function makeHub(options: { historySize?: number; maxBufferedBytes?: number } = {}) {
  let seq = 1;
  const counts = { published: 0, cutOff: 0, dropped: [] as Array<[string, number]> };
  const hub = new EventHub({
    historySize: options.historySize ?? 100,
    maxBufferedBytes: options.maxBufferedBytes ?? 1000,
    heartbeatMs: 0,
    nextSeq: () => seq,
    bootId: 'boot-1',
    now: () => 0,
    observer: {
      published: () => void counts.published++,
      cutOff: () => void counts.cutOff++,
      dropped: (reason, n) => void counts.dropped.push([reason, n]),
    },
  });
  const emit = (module = 'chan_sip', event: LoaderEvent['event'] = 'load'): void =>
    hub.publish({ seq: seq++, time: 't', event, module, state: 'running' } as LoaderEvent);
  return { hub, emit, counts };
}

describe('EventHub', () => {
  it('says hello first: the boot id and the next seq', () => {
    const { hub, emit } = makeHub();
    emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}) });
    emit();
    expect(sink.messages.map((m) => m.seq ?? m.event)).toEqual(['hello', 2]);
    expect(sink.messages[0]).toEqual({ event: 'hello', time: new Date(0).toISOString(), boot_id: 'boot-1', next_seq: 2 });
  });

  it('answers a since of another boot with a restarted gap, then replays this boot from its start', () => {
    const { hub, emit } = makeHub();
    for (let i = 0; i < 3; i++) emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}), since: 40, boot: 'boot-0' });
    expect(sink.messages.map((m) => m.seq ?? m.event)).toEqual(['hello', 'gap', 1, 2, 3, 'live']);
    expect(sink.messages[1]).toMatchObject({ from: 41, to: null, reason: 'restarted', boot_id: 'boot-0' });
  });

  it('sends each event to every subscriber whose filter matches', () => {
    const { hub, emit } = makeHub();
    const all = new RecordingSink();
    const chan = new RecordingSink();
    hub.subscribe(all, { filter: compileFilter({}) });
    hub.subscribe(chan, { filter: compileFilter({ module: 'chan_*' }) });
    emit('chan_sip');
    emit('app_dial');
    expect(all.seqs).toEqual([1, 2]);
    expect(chan.seqs).toEqual([1]);
  });

  it('hands every subscriber of an event the same message, so it is serialized and framed once', () => {
    const { hub, emit } = makeHub();
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) hub.subscribe(sink, { filter: compileFilter({}) });
    emit();
    emit();
    // Each subscription's own hello comes first; the events after it are shared.
    const events = (sink: RecordingSink) => sink.given.filter((m) => !m.text.includes('"event":"hello"'));
    for (const sink of sinks) expect(events(sink)).toHaveLength(2);
    for (const sink of sinks) expect(events(sink)).toEqual([events(sinks[0]!)[0], events(sinks[0]!)[1]]);
    expect(events(sinks[0]!)[0]).toBe(events(sinks[2]!)[0]);
    expect(events(sinks[0]!)[0]).not.toBe(events(sinks[0]!)[1]);
  });

  it('replays the held events after `since`, then says it is live', () => {
    const { hub, emit } = makeHub();
    for (let i = 0; i < 5; i++) emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}), since: 3 });
    emit();
    expect(sink.messages.map((m) => m.seq ?? m.event)).toEqual(['hello', 4, 5, 'live', 6]);
    expect(sink.messages[3]).toMatchObject({ event: 'live', next_seq: 6 });
  });

  it('says which events it can no longer replay instead of skipping them silently', () => {
    const { hub, emit, counts } = makeHub({ historySize: 3 });
    for (let i = 0; i < 10; i++) emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}), since: 2 });
    expect(sink.messages[1]).toMatchObject({ event: 'gap', from: 3, to: 7, reason: 'history_exhausted' });
    expect(sink.seqs).toEqual([8, 9, 10]);
    expect(counts.dropped).toEqual([['history_exhausted', 5]]);
  });

  it('says so when `since` is beyond the newest event (the service restarted)', () => {
    const { hub, emit } = makeHub();
    emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}), since: 40 });
    expect(sink.messages[1]).toMatchObject({ event: 'gap', reason: 'since_ahead' });
    expect(sink.messages[2]).toMatchObject({ event: 'live' });
  });

  it('cuts off a subscriber that cannot keep up, with a final message, and keeps serving the others', () => {
    const { hub, emit, counts } = makeHub({ maxBufferedBytes: 100 });
    const slow = new RecordingSink();
    const fast = new RecordingSink();
    hub.subscribe(slow, { filter: compileFilter({}) });
    hub.subscribe(fast, { filter: compileFilter({}) });
    emit();
    slow.buffered = 101;
    emit();
    emit();
    expect(slow.seqs).toEqual([1]);
    expect(slow.messages.at(-1)).toMatchObject({ event: 'cut_off', reason: 'slow_subscriber', last_seq: 1 });
    expect(slow.closed).toEqual({ code: CLOSE_SLOW_SUBSCRIBER, reason: 'slow subscriber' });
    expect(fast.seqs).toEqual([1, 2, 3]);
    expect(hub.subscriberCount).toBe(1);
    expect(counts).toMatchObject({ published: 3, cutOff: 1, dropped: [['slow_subscriber', 1]] });
  });

  it('does not hold a large replay against a subscriber as slowness', () => {
    const { hub, emit } = makeHub({ maxBufferedBytes: 100 });
    for (let i = 0; i < 20; i++) emit();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}), since: 0 });
    sink.buffered = 20 * 60;
    emit();
    expect(sink.closed).toBeUndefined();
    expect(sink.seqs.at(-1)).toBe(21);
  });

  it('stops delivering once a subscription is closed', () => {
    const { hub, emit } = makeHub();
    const sink = new RecordingSink();
    const subscription = hub.subscribe(sink, { filter: compileFilter({}) });
    emit();
    subscription.close();
    emit();
    expect(sink.seqs).toEqual([1]);
    expect(hub.subscriberCount).toBe(0);
  });

  it('ends every stream with a final cut_off on close', () => {
    const { hub } = makeHub();
    const sink = new RecordingSink();
    hub.subscribe(sink, { filter: compileFilter({}) });
    hub.close();
    expect(sink.messages.slice(1)).toEqual([{ event: 'cut_off', time: new Date(0).toISOString(), reason: 'shutdown', last_seq: null }]);
    expect(sink.closed?.code).toBe(CLOSE_GOING_AWAY);
  });
});
