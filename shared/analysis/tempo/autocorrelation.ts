/** A local maximum of a sampled function, refined between samples. */
export interface Peak {
  /** Position in frames (fractional after parabolic interpolation). */
  lag: number;
  value: number;
}

/**
 * Removes the slow trend of an onset envelope (moving average over `windowFrames`), so that
 * its autocorrelation measures periodicity rather than loudness. Returns a new array.
 */
export function detrend(novelty: Float32Array, windowFrames: number): Float32Array {
  const n = novelty.length;
  const half = Math.max(1, Math.round(windowFrames / 2));
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] ?? 0) + (novelty[i] ?? 0);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    out[i] = (novelty[i] ?? 0) - ((prefix[hi] ?? 0) - (prefix[lo] ?? 0)) / (hi - lo);
  }
  return out;
}

/**
 * Unbiased autocorrelation of x at an integer lag, normalised by the energy at lag 0, so that a
 * perfectly periodic signal scores about 1 at its period and white noise about 0.
 * Returns 0 when the lag leaves no overlap or x has no energy.
 */
export function autocorrelationAt(x: Float32Array, lag: number, energy = meanSquare(x)): number {
  const n = x.length - lag;
  if (lag < 0 || n <= 0 || energy <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (x[i] ?? 0) * (x[i + lag] ?? 0);
  return sum / n / energy;
}

/** Mean of x squared (0 for an empty array). */
export function meanSquare(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return x.length > 0 ? sum / x.length : 0;
}

/** Autocorrelation for every integer lag in [0, maxLag], as autocorrelationAt. */
export function autocorrelation(x: Float32Array, maxLag: number): Float64Array {
  const energy = meanSquare(x);
  const out = new Float64Array(Math.max(0, maxLag + 1));
  for (let lag = 0; lag <= maxLag; lag++) out[lag] = autocorrelationAt(x, lag, energy);
  return out;
}

/**
 * Refines a local maximum at integer index i of f by fitting a parabola through its
 * neighbours. Returns the sample itself at the edges.
 */
export function parabolicPeak(f: ArrayLike<number>, i: number): Peak {
  const y0 = f[i - 1];
  const y1 = f[i] ?? 0;
  const y2 = f[i + 1];
  if (y0 === undefined || y2 === undefined) return { lag: i, value: y1 };
  const denom = y0 - 2 * y1 + y2;
  if (denom >= 0) return { lag: i, value: y1 };
  const offset = Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / denom));
  return { lag: i + offset, value: y1 - 0.25 * (y0 - y2) * offset };
}

/** Every strict local maximum of f with index in [from, to], refined by parabolicPeak. */
export function localPeaks(f: ArrayLike<number>, from: number, to: number): Peak[] {
  const peaks: Peak[] = [];
  for (let i = Math.max(1, from); i <= Math.min(f.length - 2, to); i++) {
    const v = f[i] ?? 0;
    if (v > (f[i - 1] ?? 0) && v >= (f[i + 1] ?? 0)) peaks.push(parabolicPeak(f, i));
  }
  return peaks;
}
