import { describe, expect, it } from 'vitest';
import { measureOf, pairedRatio, passes, type FigureResult } from '../../../bench/report/figure.js';

describe('how the suite summarises a figure', () => {
  it('takes the median of the runs as the measure', () => {
    expect(measureOf([5, 1, 3], 'ms').value).toBe(3);
    expect(measureOf([4, 1, 3, 2], 'ms').value).toBe(2.5);
  });

  it('pairs each run with the baseline run beside it, so a slow minute cancels out', () => {
    // The machine slowed down in the last two runs; each pair still says 2x.
    const measured = measureOf([20, 22, 60, 64], 'ms');
    const baseline = measureOf([10, 11, 30, 32], 'ms');
    expect(pairedRatio(measured, baseline)).toBe(2);
    expect(pairedRatio(baseline, measured, 100)).toBe(50);
  });

  it('judges at-most and at-least targets', () => {
    const figure = (ratio: number, compare: 'at_most' | 'at_least'): FigureResult => ({
      id: 1,
      title: 't',
      measured: measureOf([1], 'ms'),
      baseline: measureOf([1], 'ms'),
      ratio,
      target: { compare, value: 3, unit: '×' },
      notes: [],
    });
    expect(passes(figure(3, 'at_most'))).toBe(true);
    expect(passes(figure(3.1, 'at_most'))).toBe(false);
    expect(passes(figure(3, 'at_least'))).toBe(true);
    expect(passes(figure(2.9, 'at_least'))).toBe(false);
  });
});
