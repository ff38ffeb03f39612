/**
 * Progress lines on stderr, so a long run shows which figure and which run it is at. Times
 * count from the start of the suite (the runner passes it to its workers in BENCH_STARTED).
 */
const started = Number(process.env['BENCH_STARTED']) || Date.now();
process.env['BENCH_STARTED'] = String(started);

export function progress(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}
