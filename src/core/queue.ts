/**
 * The serialized operation queue (SPEC 6.14): operations run one at a time in arrival order.
 * A failing operation does not stop the ones queued behind it.
 */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  /** Operations queued or running. */
  get length(): number {
    return this.depth;
  }

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.depth += 1;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => void (this.depth -= 1),
      () => void (this.depth -= 1),
    );
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
