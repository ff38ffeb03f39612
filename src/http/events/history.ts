/**
 * The bounded in-memory history that `since=` replays from (SPEC 10). Holds the newest
 * `capacity` events, each already serialized once; seqs are consecutive, so a lookup by seq is
 * an index computation. O(1) push, O(k) replay of k events.
 */
import type { EventName } from '../../core/types.js';

/** An event as the stream keeps it: what filters need, and its JSON text. */
export interface HeldEvent {
  seq: number;
  event: EventName;
  module: string | undefined;
  text: string;
}

export class EventHistory {
  private readonly ring: Array<HeldEvent | undefined>;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('history capacity must be a positive integer');
    this.ring = new Array<HeldEvent | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The seq of the oldest event held, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.count === 0 ? undefined : this.ring[this.start]!.seq;
  }

  /** The seq of the newest event held, or undefined when empty. */
  get newestSeq(): number | undefined {
    return this.count === 0 ? undefined : this.ring[(this.start + this.count - 1) % this.capacity]!.seq;
  }

  /** Appends the newest event, dropping the oldest when full. */
  push(event: HeldEvent): void {
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = event;
      this.count++;
    } else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The held events with seq greater than `seq`, oldest first. */
  after(seq: number): HeldEvent[] {
    const oldest = this.oldestSeq;
    if (oldest === undefined) return [];
    const skip = Math.max(0, seq - oldest + 1);
    const out: HeldEvent[] = [];
    for (let i = skip; i < this.count; i++) out.push(this.ring[(this.start + i) % this.capacity]!);
    return out;
  }
}
