import { describe, expect, it } from 'vitest';
import { alternate } from '../../../bench/lib/measure.js';
import { median, ratio, summarize } from '../../../bench/lib/stats.js';

describe('bench statistics', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1000], 10],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('summarises a figure without being moved by one outlier', () => {
    expect(summarize([1200, 1100, 9000, 1150, 1180])).toEqual({ n: 5, median: 1180, min: 1100, max: 9000 });
    expect(Number.isNaN(summarize([]).median)).toBe(true);
  });

  it('gives no ratio rather than a wrong one when a figure is missing', () => {
    expect(ratio(115, 100)).toBeCloseTo(1.15);
    expect(Number.isNaN(ratio(1, 0))).toBe(true);
    expect(Number.isNaN(ratio(Number.NaN, 1))).toBe(true);
  });
});

describe('alternate', () => {
  it('runs the variants in turn within each round and counts only the counted rounds', async () => {
    const order: string[] = [];
    const variant = (name: string) => ({
      name,
      run: async (round: { label: string }) => {
        order.push(`${round.label}:${name}`);
        return order.length;
      },
    });
    const samples = await alternate([variant('A'), variant('B')], { warmup: 1, runs: 2 });
    expect(order).toEqual([
      'warm-up 1/1:A',
      'warm-up 1/1:B',
      'run 1/2:A',
      'run 1/2:B',
      'run 2/2:A',
      'run 2/2:B',
    ]);
    expect(samples).toEqual({ A: [3, 5], B: [4, 6] });
  });
});
