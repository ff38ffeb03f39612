/**
 * Repeated 401s from one address are slowed (SPEC 11). An address may fail a few times
 * freely; after that each failure makes it wait, twice as long as the last time up to a
 * ceiling, before any token it sends is looked at again (a good one too: otherwise guesses
 * sent in parallel would not be slowed at all). An address is forgotten some time after its
 * last failure, and at most `maxAddresses` are remembered (the one that failed longest ago
 * goes first), so a flood of addresses costs bounded memory.
 *
 * With the defaults, a guesser gets 5 tries, then 1 per 1, 2, 4, … 60 s: about 1,400 tries a
 * day from one address against secrets of at least 16 characters (tokens.ts).
 */

export interface FailureThrottleOptions {
  /** Failures an address may have before it must wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An address is forgotten this long after its last failure. */
  forgetAfterMs: number;
  maxAddresses: number;
  now?: () => number;
}

export const DEFAULT_FAILURE_THROTTLE: FailureThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxAddresses: 10_000,
};

interface Failures {
  count: number;
  last: number;
  /** Until when the address must wait (0: it need not). */
  until: number;
}

export class FailureThrottle {
  /** By address, in the order of their last failure (oldest first). */
  private readonly entries = new Map<string, Failures>();
  private readonly now: () => number;

  constructor(private readonly options: FailureThrottleOptions = DEFAULT_FAILURE_THROTTLE) {
    this.now = options.now ?? Date.now;
  }

  /** Addresses remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** How long `address` must still wait before a token of it is looked at; 0 when it need not. O(1). */
  waitMs(address: string): number {
    const entry = this.current(address);
    return entry ? Math.max(0, entry.until - this.now()) : 0;
  }

  /** Records a failure (a 401) of `address`. O(1) amortized. */
  failed(address: string): void {
    const now = this.now();
    const entry = this.current(address) ?? { count: 0, last: now, until: 0 };
    entry.count += 1;
    entry.last = now;
    const beyond = entry.count - this.options.freeFailures;
    if (beyond > 0) entry.until = now + Math.min(this.options.baseDelayMs * 2 ** (beyond - 1), this.options.maxDelayMs);
    this.entries.delete(address);
    this.entries.set(address, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxAddresses) break;
      this.entries.delete(oldest);
    }
  }

  private current(address: string): Failures | undefined {
    const entry = this.entries.get(address);
    if (entry && this.now() - entry.last > this.options.forgetAfterMs) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}
