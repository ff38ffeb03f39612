/**
 * Answers that only change when the loader emits an event, kept serialized between events.
 * `loader.nextSeq` moves with every event, so an answer built at one seq stays right until the
 * seq moves; a large list (1,000 modules, ~150 KB) is then sent as a ready Buffer instead of
 * being rebuilt, re-validated and re-serialized per request. (The one change without an event:
 * a module calling ctx.blockUnload() after its load shows as `blocked` from the next event.)
 */
export class SnapshotCache {
  private seq = -1;
  private readonly answers = new Map<string, Buffer>();

  constructor(
    private readonly currentSeq: () => number,
    /** Distinct keys kept per seq (e.g. query strings); more are built but not kept. */
    private readonly maxKeys = 32,
  ) {}

  /** The answer for `key` at the current seq, from `build` when there is none yet. */
  get(key: string, build: () => unknown): Buffer {
    const seq = this.currentSeq();
    if (seq !== this.seq) {
      this.answers.clear();
      this.seq = seq;
    }
    let answer = this.answers.get(key);
    if (!answer) {
      answer = Buffer.from(JSON.stringify(build()));
      if (this.answers.size < this.maxKeys) this.answers.set(key, answer);
    }
    return answer;
  }
}
