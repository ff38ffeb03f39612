/** What every figure is given by the runner. */
export interface BenchContext {
  /** Smaller sizes and fewer runs: a smoke run. */
  quick: boolean;
  /** Timed runs per side (the median is reported). */
  runs: number;
  /** The seed of every generated graph. */
  seed: number;
  /** A private temporary directory, removed by the runner at the end. */
  tmpDir: string;
}
