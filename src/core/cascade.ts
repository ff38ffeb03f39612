/**
 * Which modules stop when users go (SPEC 6.4, 6.5): a module whose last user is released
 * stops, which releases the users it holds on its dependencies, which may stop them in turn.
 * Stops always run in reverse load order (highest load sequence first): a max-heap keyed by
 * `loadSeq` yields that order whatever order the releases came in, so the dry-run simulation
 * here and the real settling in the loader agree step for step. O(affected · log affected).
 */
import { KeyedHeap } from './graph/heap.js';
import type { ModuleEntry, UserRecord } from './model.js';
import { isActive } from './state.js';

/** Running modules waiting to be stopped, latest-loaded first. */
export class StopQueue {
  private readonly heap = new KeyedHeap();
  private readonly queued = new Map<number, ModuleEntry>();

  get size(): number {
    return this.heap.size;
  }

  push(entry: ModuleEntry): void {
    if (this.queued.has(entry.loadSeq)) return;
    this.queued.set(entry.loadSeq, entry);
    this.heap.push(-entry.loadSeq, entry.loadSeq);
  }

  pop(): ModuleEntry | undefined {
    if (this.heap.size === 0) return undefined;
    const seq = this.heap.pop();
    const entry = this.queued.get(seq)!;
    this.queued.delete(seq);
    return entry;
  }
}

export interface CascadeView {
  entry(name: string): ModuleEntry | undefined;
  user(id: string): UserRecord | undefined;
}

/**
 * Simulates releasing `initial` (in any order) and returns every module that would stop, in the
 * order the loader would stop them. Changes nothing.
 */
export function simulateStops(view: CascadeView, initial: Iterable<UserRecord>): ModuleEntry[] {
  const remaining = new Map<ModuleEntry, number>();
  const queue = new StopQueue();
  const released = new Set<string>();
  const release = (user: UserRecord): void => {
    if (released.has(user.id)) return;
    released.add(user.id);
    const held = view.entry(user.module);
    if (!held) return;
    const left = (remaining.get(held) ?? held.users.size) - 1;
    remaining.set(held, left);
    if (left === 0 && isActive(held.state)) queue.push(held);
  };
  for (const user of initial) release(user);
  const stops: ModuleEntry[] = [];
  for (let entry = queue.pop(); entry; entry = queue.pop()) {
    stops.push(entry);
    for (const id of entry.holds) {
      const user = view.user(id);
      if (user) release(user);
    }
  }
  return stops;
}
