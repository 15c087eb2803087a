import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/analysis/prng.js';
import { fitTimbreMetric, metricSource, symmetricEigen } from './metric-fit.js';

describe('symmetricEigen', () => {
  it('gives the eigenvalues in descending order with their unit eigenvectors', () => {
    const m = [
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ];
    const { values, vectors } = symmetricEigen(m);
    expect(values[0]).toBeGreaterThan(values[1]!);
    expect(values[1]).toBeGreaterThan(values[2]!);
    vectors.forEach((v, k) => {
      expect(Math.hypot(...v)).toBeCloseTo(1, 9);
      // M v = λ v
      m.forEach((row, i) => {
        expect(row.reduce((s, x, j) => s + x * v[j]!, 0)).toBeCloseTo(values[k]! * v[i]!, 9);
      });
    });
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(9, 9);
  });
});

describe('fitTimbreMetric', () => {
  // Two classes told apart by feature 0 alone; feature 1 varies ten times as much within each
  // class and says nothing of the class; feature 2 is constant.
  const rng = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const labels: string[] = [];
  const features: Float64Array[] = [];
  for (let i = 0; i < 200; i++) {
    const cls = i % 2 === 0 ? 'kick' : 'hat';
    labels.push(cls);
    features.push(Float64Array.of((cls === 'kick' ? -1 : 1) + 0.2 * gauss(), 10 * gauss(), 5));
  }
  const metric = fitTimbreMetric(features, labels);

  it('standardises each feature by its mean and deviation, a constant one by 1', () => {
    expect(metric.scaling[0]![0]).toBeCloseTo(0, 1);
    expect(metric.scaling[1]![1]).toBeGreaterThan(8);
    expect(metric.scaling[2]).toEqual([5, 1]);
  });

  it('projects on one direction per class but one, weighted to the feature that separates', () => {
    expect(metric.projection).toHaveLength(1);
    const [w0, w1] = metric.projection[0]!;
    expect(Math.abs(w0!)).toBeGreaterThan(5 * Math.abs(w1!));
    expect(w0).toBeGreaterThan(0);
  });

  it('prints a table file that holds both tables', () => {
    const source = metricSource(metric, ['a', 'b', 'c']);
    expect(source).toContain('export const SCALING');
    expect(source).toContain('// c');
    expect(source.match(/^ {2}\[/gm)).toHaveLength(3 + 1);
  });
});
