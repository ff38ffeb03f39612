/** A task run after a quiet spell, never twice at once (the graph's and the panel's reloads). */
import { ApiError } from './api.js';

/** Runs `task` after a quiet spell, never twice at once, and again if asked meanwhile. */
export class Debounced {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly ms: number,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.ms);
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = true;
    try {
      await this.task();
    } catch (err) {
      // Unreachable service: the stream says so, and resumes with a reload when it is back.
      if (!(err instanceof ApiError && err.code === 'network')) console.error(err);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}
