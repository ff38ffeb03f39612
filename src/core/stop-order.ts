/**
 * Which running modules stop when users go, and in which order (SPEC 6.4–6.6, 6.9). A module
 * stops when it has no strong user left; its stop releases what it holds, which may leave more
 * modules without one. Among the modules that stop together, holders stop before what they
 * hold (strong and weak holds alike), and reverse load order breaks ties. A weak holder that
 * does not stop (or a loop closed only by weak holds) is told and loses its hold first.
 * Pure over the records: the dry-run simulation and the real settle share it, so a dry run's
 * plan is the plan the real run carries out. O((k + h) log k) for k stopping modules holding h
 * users.
 */
import { KeyedHeap } from './graph/heap.js';
import type { ModuleEntry, UserRecord } from './model.js';

export interface StopRecords {
  entry(name: string): ModuleEntry | undefined;
}

/** One module to stop, after its weak holders that survive it are told and let go. */
export interface PlannedStop {
  entry: ModuleEntry;
  /** Weak users of it to release first (their holders get `onCanuseGone`). */
  weak: UserRecord[];
  /** The module whose stop left it without a strong user, if one did. */
  cause: string | undefined;
}

/**
 * Running modules that stop if `released` users go (and `seeds` have no strong user), found
 * by counting each one's strong users down as its holders stop.
 */
export function doomedModules(records: StopRecords, released: Iterable<UserRecord>, seeds: Iterable<ModuleEntry>): Set<ModuleEntry> {
  const remaining = new Map<ModuleEntry, number>();
  const gone = new Set<string>();
  const doomed = new Set<ModuleEntry>();
  const queue: ModuleEntry[] = [];
  const lose = (user: UserRecord): void => {
    if (user.weak || gone.has(user.id)) return;
    gone.add(user.id);
    const held = records.entry(user.module);
    if (!held || held.state !== 'running') return;
    const left = (remaining.get(held) ?? held.strong) - 1;
    remaining.set(held, left);
    if (left === 0 && !doomed.has(held)) {
      doomed.add(held);
      queue.push(held);
    }
  };
  for (const user of released) lose(user);
  for (const seed of seeds) {
    if (seed.state === 'running' && seed.strong === 0 && !doomed.has(seed)) {
      doomed.add(seed);
      queue.push(seed);
    }
  }
  while (queue.length > 0) {
    const entry = queue.pop()!;
    for (const user of entry.holds) lose(user);
  }
  return doomed;
}

/** Orders `doomed` holders first, reverse load order among the ready; see the file comment. */
export function orderStops(records: StopRecords, doomed: ReadonlySet<ModuleEntry>, released: ReadonlySet<string> = new Set()): PlannedStop[] {
  // For each doomed module: its distinct doomed holders, and whether each holds it strongly.
  const holders = new Map<ModuleEntry, Map<ModuleEntry, boolean>>();
  for (const entry of doomed) holders.set(entry, new Map());
  for (const entry of doomed) {
    for (const user of entry.users.values()) {
      if (released.has(user.id) || user.owner === undefined || user.owner === entry.name) continue;
      const holder = records.entry(user.owner);
      if (!holder || !doomed.has(holder)) continue;
      const map = holders.get(entry)!;
      map.set(holder, (map.get(holder) ?? false) || !user.weak);
    }
  }
  const waiting = new Map<ModuleEntry, number>();
  const heap = new KeyedHeap(doomed.size);
  const byIndex: ModuleEntry[] = [];
  const push = (entry: ModuleEntry): void => {
    byIndex.push(entry);
    heap.push(-entry.loadSeq, byIndex.length - 1);
  };
  for (const entry of doomed) {
    waiting.set(entry, holders.get(entry)!.size);
    if (holders.get(entry)!.size === 0) push(entry);
  }
  const out: PlannedStop[] = [];
  const stopped = new Set<ModuleEntry>();
  const lastHolder = new Map<ModuleEntry, string>();
  while (stopped.size < doomed.size) {
    if (heap.size === 0) push(breakLoop(doomed, stopped, holders));
    const entry = byIndex[heap.pop()]!;
    if (stopped.has(entry)) continue;
    stopped.add(entry);
    const weak: UserRecord[] = [];
    for (const user of entry.users.values()) {
      if (!user.weak || released.has(user.id)) continue;
      const holder = user.owner === undefined ? undefined : records.entry(user.owner);
      if (!holder || !stopped.has(holder)) weak.push(user);
    }
    out.push({ entry, weak, cause: lastHolder.get(entry) });
    const seen = new Set<ModuleEntry>();
    for (const user of entry.holds) {
      const held = records.entry(user.module);
      if (!held || !doomed.has(held) || stopped.has(held) || seen.has(held)) continue;
      seen.add(held);
      lastHolder.set(held, entry.name);
      const left = waiting.get(held)! - 1;
      waiting.set(held, left);
      if (left === 0) push(held);
    }
  }
  return out;
}

/**
 * Nothing is ready: the rest hold each other in a loop, which strong holds alone never close.
 * The latest-loaded module whose remaining holders hold it only weakly goes next (they are
 * told and let go); failing that, the latest-loaded of the rest.
 */
function breakLoop(doomed: ReadonlySet<ModuleEntry>, stopped: ReadonlySet<ModuleEntry>, holders: Map<ModuleEntry, Map<ModuleEntry, boolean>>): ModuleEntry {
  let best: ModuleEntry | undefined;
  let fallback: ModuleEntry | undefined;
  for (const entry of doomed) {
    if (stopped.has(entry)) continue;
    if (!fallback || entry.loadSeq > fallback.loadSeq) fallback = entry;
    const onlyWeak = [...holders.get(entry)!].every(([holder, strong]) => stopped.has(holder) || !strong);
    if (onlyWeak && (!best || entry.loadSeq > best.loadSeq)) best = entry;
  }
  return (best ?? fallback)!;
}
