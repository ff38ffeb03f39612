/** Progress lines on stderr, so a long run shows which figure and which run it is at. */
import { performance } from 'node:perf_hooks';

const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}
