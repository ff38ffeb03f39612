/**
 * Cheap counting for the metrics, with no dependency: counters and histograms keyed by their
 * label values, kept as plain numbers from the first request on. prom-client only reads them
 * when `/metrics` is first asked for (exposition.ts), so nothing counted before is lost and
 * nothing of prom-client is loaded at boot.
 */

export type Labels = Record<string, string>;

/** One line of the exposition: `metricName` (default: the metric's name), labels and value. */
export interface Sample {
  metricName?: string;
  labels: Labels;
  value: number;
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  names.forEach((name, i) => (labels[name] = values[i] ?? ''));
  return labels;
}

/** A counter per combination of label values. */
export class CounterTally {
  private readonly series = new Map<string, { values: readonly string[]; count: number }>();

  constructor(readonly labelNames: readonly string[]) {}

  /** Adds `by` to the series of `values` (in the order of `labelNames`). O(1). */
  inc(values: readonly string[], by = 1): void {
    const key = values.join('\u0001');
    const found = this.series.get(key);
    if (found) found.count += by;
    else this.series.set(key, { values, count: by });
  }

  samples(): Sample[] {
    return [...this.series.values()].map((s) => ({ labels: labelsOf(this.labelNames, s.values), value: s.count }));
  }
}

/** A histogram (cumulative buckets, sum, count) per combination of label values. */
export class HistogramTally {
  private readonly series = new Map<string, { values: readonly string[]; buckets: number[]; sum: number; count: number }>();

  /** `bounds`: the buckets' upper bounds, ascending (`+Inf` is implied). */
  constructor(
    readonly labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {}

  /** Records one observation of `value` for `values`. O(buckets). */
  observe(values: readonly string[], value: number): void {
    const key = values.join('\u0001');
    let s = this.series.get(key);
    if (!s) {
      s = { values, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.bounds.findIndex((bound) => value <= bound);
    if (i >= 0) s.buckets[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  /** The exposition lines: `<name>_bucket` per bound and `+Inf`, `<name>_sum`, `<name>_count`. */
  samples(name: string): Sample[] {
    const out: Sample[] = [];
    for (const s of this.series.values()) {
      const labels = labelsOf(this.labelNames, s.values);
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: String(bound) }, value: cumulative });
      });
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${name}_sum`, labels, value: s.sum });
      out.push({ metricName: `${name}_count`, labels, value: s.count });
    }
    return out;
  }
}
