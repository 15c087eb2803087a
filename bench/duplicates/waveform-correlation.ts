import { INSPECT_RATE } from './inspect-sound.js';

/**
 * Lags searched either way after the onsets are aligned, in s. At 44.1 kHz, so that one sample
 * rendered a sample later still correlates fully (at 22 kHz a bright snare fell to 0.91).
 */
const MAX_LAG_S = 0.01;

/** Index of the first sample within 40 dB of the peak: where the sound starts. */
function onset(pcm: Float32Array): number {
  let peak = 0;
  for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  const threshold = peak * 0.01;
  const index = pcm.findIndex((v) => Math.abs(v) >= threshold);
  return Math.max(0, index);
}

/**
 * The highest normalised cross-correlation of two mono signals (INSPECT_RATE), their onsets
 * aligned, over lags of ±`maxLagS` (10 ms), on at most `maxSamples` of them: 1 for the same
 * waveform at any gain, well under 0.99 for two recordings of one hit. Independent of the
 * importer's fingerprint: a check of the labels.
 */
export function waveformCorrelation(
  a: Float32Array,
  b: Float32Array,
  maxLagS = MAX_LAG_S,
  maxSamples = Infinity,
): number {
  const x = a.subarray(onset(a));
  const y = b.subarray(onset(b));
  const maxLag = Math.round(maxLagS * INSPECT_RATE);
  const length = Math.min(x.length, y.length, maxSamples);
  let best = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = Math.max(0, -lag); i < length && i + lag < length; i++) {
      const u = x[i]!;
      const v = y[i + lag]!;
      xy += u * v;
      xx += u * u;
      yy += v * v;
    }
    if (xx > 0 && yy > 0) best = Math.max(best, xy / Math.sqrt(xx * yy));
  }
  return best;
}
