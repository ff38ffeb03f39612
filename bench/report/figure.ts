/** What each figure measures and how it is judged. */
import { median } from '../support/stats.js';

export type Comparison = 'at_most' | 'at_least';

export interface Measure {
  /** The median of `runs`. */
  value: number;
  /** Unit of `value` and `runs`: `ms`, `req/s`, `events/s`, `bytes`. */
  unit: string;
  runs: number[];
}

export interface FigureResult {
  id: number;
  title: string;
  measured: Measure;
  baseline: Measure;
  /** How the two compare, in the unit of the target (a factor, a percentage, KB per module). */
  ratio: number;
  target: { compare: Comparison; value: number; unit: '×' | '%' | ' KB/module' };
  /** What was measured and how, in a sentence or two (shown under the table). */
  notes: string[];
}

/**
 * The median of the per-run ratios `measured[i] / baseline[i]` (times `scale`): each run's
 * two sides are measured next to each other, so pairing them cancels the slow swings of a
 * shared machine's load that a ratio of the two medians would keep.
 */
export function pairedRatio(measured: Measure, baseline: Measure, scale = 1): number {
  if (measured.runs.length !== baseline.runs.length) throw new Error('pairedRatio: the sides have different run counts');
  return median(measured.runs.map((m, i) => (scale * m) / baseline.runs[i]!));
}

/** A measure summarised by the median of its runs. */
export function measureOf(runs: number[], unit: string): Measure {
  return { value: median(runs), unit, runs };
}

export function passes(figure: FigureResult): boolean {
  const { compare, value } = figure.target;
  return compare === 'at_most' ? figure.ratio <= value : figure.ratio >= value;
}

export function formatTarget(figure: FigureResult): string {
  return `${figure.target.compare === 'at_most' ? '≤' : '≥'} ${figure.target.value}${figure.target.unit}`;
}

export function formatRatio(figure: FigureResult): string {
  return `${figure.ratio.toFixed(figure.target.unit === '%' ? 1 : 2)}${figure.target.unit}`;
}

export function formatMeasure(m: Measure): string {
  const digits = m.value >= 100 ? 0 : m.value >= 10 ? 1 : m.value >= 1 ? 2 : 3;
  return `${m.value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${m.unit}`;
}
