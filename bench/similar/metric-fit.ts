/**
 * Fits the timbre vector's metric (shared/analysis/timbre/timbre-metric.ts: SCALING and
 * PROJECTION, read by timbre-vector.ts) on the development split of the labelled set, never on
 * validation: each feature's mean and deviation, then linear discriminant analysis of the
 * standardised features by class. `npm run bench:similar -- --only classes --fit` prints the
 * file to paste.
 */

/** Share of the within-class covariance replaced by its mean variance (shrinkage). */
export const METRIC_SHRINK = 0.2;

export interface TimbreMetric {
  /** Per feature: mean and standard deviation over the development sounds. */
  scaling: [centre: number, spread: number][];
  /** Discriminant directions over the standardised features, each of unit within-class spread. */
  projection: number[][];
}

/** Eigenvalues (descending) and eigenvectors of a symmetric matrix, by Jacobi rotations. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = a[k]![p]!;
          const kq = a[k]![q]!;
          a[k]![p] = c * kp - s * kq;
          a[k]![q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = a[p]![k]!;
          const qk = a[q]![k]!;
          a[p]![k] = c * pk - s * qk;
          a[q]![k] = s * pk + c * qk;
        }
        for (let k = 0; k < n; k++) {
          const kp = v[k]![p]!;
          const kq = v[k]![q]!;
          v[k]![p] = c * kp - s * kq;
          v[k]![q] = s * kp + c * kq;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((x, y) => a[y]![y]! - a[x]![x]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
}

/**
 * The metric of `features` (one row per sound, timbreFeatures' order) labelled by class: means
 * and deviations, then the classes − 1 discriminant directions of the standardised rows (the
 * within-class covariance shrunk by METRIC_SHRINK towards its mean variance, so that directions
 * seen little in development are not blown up), scaled to unit within-class spread: distances
 * along each count alike, as the class check showed best on halves of development.
 */
export function fitTimbreMetric(features: Float64Array[], labels: string[]): TimbreMetric {
  const d = features[0]?.length ?? 0;
  const n = features.length;
  const scaling: [number, number][] = [];
  for (let i = 0; i < d; i++) {
    const xs = features.map((f) => f[i]!).filter(Number.isFinite);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) || 1;
    scaling.push([mean, sd]);
  }
  const z = features.map((f) =>
    Array.from(f, (x, i) => (Number.isFinite(x) ? (x - scaling[i]![0]) / scaling[i]![1] : 0)),
  );
  const classes = [...new Set(labels)];
  const within = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const between = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const grand = new Array<number>(d).fill(0);
  for (const row of z) for (let i = 0; i < d; i++) grand[i]! += row[i]! / n;
  for (const c of classes) {
    const rows = z.filter((_, r) => labels[r] === c);
    const mean = new Array<number>(d).fill(0);
    for (const row of rows) for (let i = 0; i < d; i++) mean[i]! += row[i]! / rows.length;
    for (const row of rows) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++)
          within[i]![j]! += ((row[i]! - mean[i]!) * (row[j]! - mean[j]!)) / n;
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        between[i]![j]! += ((mean[i]! - grand[i]!) * (mean[j]! - grand[j]!)) / classes.length;
      }
    }
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += within[i]![i]!;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      within[i]![j] =
        (1 - METRIC_SHRINK) * within[i]![j]! + (i === j ? (METRIC_SHRINK * trace) / d : 0);
    }
  }
  // Whiten by the within-class covariance, then find the between-class scatter's axes there.
  const w = symmetricEigen(within);
  const whiten = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let k = 0; k < d; k++)
        s += (w.vectors[k]![i]! * w.vectors[k]![j]!) / Math.sqrt(w.values[k]!);
      return s;
    }),
  );
  const scatter = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < d; l++) s += whiten[i]![k]! * between[k]![l]! * whiten[l]![j]!;
      }
      return s;
    }),
  );
  const axes = symmetricEigen(scatter).vectors.slice(0, classes.length - 1);
  const projection = axes.map((axis) =>
    Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += axis[i]! * whiten[i]![j]!;
      return s;
    }),
  );
  // The sign of an eigenvector is arbitrary: make each direction's largest weight positive, so
  // that fitting again gives the same table.
  for (const row of projection) {
    const largest = row.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
    if (largest < 0) for (let j = 0; j < d; j++) row[j] = -row[j]!;
  }
  return { scaling, projection };
}

/** Rounds to `digits` significant digits, for a table in source code. */
function significant(x: number, digits = 4): string {
  return x === 0 ? '0' : String(Number(x.toPrecision(digits)));
}

/** The metric as the whole of timbre-metric.ts (SCALING and PROJECTION). */
export function metricSource(metric: TimbreMetric, names: readonly string[]): string {
  const scaling = metric.scaling
    .map(([c, s], i) => `  [${significant(c)}, ${significant(s)}], // ${names[i]}`)
    .join('\n');
  const projection = metric.projection
    .map((row) => `  [${row.map((x) => significant(x, 3)).join(', ')}],`)
    .join('\n');
  return [
    '// Fitted by `npm run bench:similar -- --only classes --fit` on the development split of the',
    '// labelled set (bench/similar/metric-fit.ts); fit again whenever timbreFeatures changes. What',
    '// the tables mean: timbre-vector.ts.',
    '',
    '// prettier-ignore',
    'export const SCALING: readonly (readonly [centre: number, spread: number])[] = [',
    scaling,
    '];',
    '',
    '// prettier-ignore',
    'export const PROJECTION: readonly (readonly number[])[] = [',
    projection,
    '];',
    '',
  ].join('\n');
}
