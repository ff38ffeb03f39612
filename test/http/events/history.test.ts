import { describe, expect, it } from 'vitest';
import { EventHistory, type HeldEvent } from '../../../src/http/events/history.js';

const held = (seq: number): HeldEvent => ({ seq, event: 'load', module: 'm', text: `{"seq":${seq}}` });

describe('EventHistory', () => {
  it('holds the newest events up to its capacity, oldest first', () => {
    const history = new EventHistory(3);
    for (let seq = 1; seq <= 5; seq++) history.push(held(seq));
    expect(history.size).toBe(3);
    expect(history.oldestSeq).toBe(3);
    expect(history.newestSeq).toBe(5);
    expect(history.after(0).map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('replays only what comes after the given seq', () => {
    const history = new EventHistory(10);
    for (let seq = 1; seq <= 6; seq++) history.push(held(seq));
    expect(history.after(4).map((e) => e.seq)).toEqual([5, 6]);
    expect(history.after(6)).toEqual([]);
    expect(history.after(60)).toEqual([]);
  });

  it('is empty before the first event', () => {
    const history = new EventHistory(2);
    expect(history.oldestSeq).toBeUndefined();
    expect(history.after(0)).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventHistory(0)).toThrow(RangeError);
  });
});
