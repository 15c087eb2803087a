import { FEATURE_COUNT, timbreFeatures, type TimbreSource } from './timbre-features.js';

/** Length of a timbre vector. */
export const TIMBRE_DIMENSIONS = FEATURE_COUNT;

/**
 * Per feature (timbre-features.ts order): a typical value, a typical spread and a weight. Each
 * feature becomes (value − centre) / spread × weight before the vector is L2-normalised, so
 * every feature counts in proportion to its weight whatever its unit, and the vector is centred
 * on the typical sound (which the index's random hyperplanes need to split a library evenly).
 * Centres and spreads are the medians and spreads of the development set of `npm run
 * bench:similar` (drum kits and soundfont notes); the weights were chosen on it, never on the
 * validation set (BENCHMARKS.md).
 */
const SCALING: readonly (readonly [centre: number, spread: number, weight: number])[] = [
  [-12, 10, 1], // shape0Db 30-108 Hz
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1],
  [-12, 10, 1], // shape8Db 4000-4800 Hz
  [3.5, 1, 1.5], // centroidOct
  [1.5, 0.5, 1], // spreadOct
  [-15, 8, 1.5], // flatnessDb
  [-2, 0.6, 1], // logAttackS
  [-1, 0.6, 1], // logDecay20S
  [-0.5, 0.6, 1], // logDecay40S
  [-0.3, 0.5, 1.5], // logDurationS
  [0.3, 0.25, 1], // sustainShare
  [3, 2, 1], // fluxDb
  [0.3, 0.5, 0.5], // brightnessDropOct
];

/**
 * A compact description of how a sound sounds (its spectral shape, envelope and change over
 * time), from its fingerprint: {@link TIMBRE_DIMENSIONS} numbers, L2-normalised, so that
 * sounds of one kind (kicks, hats, pads) lie close together by cosine. Deterministic and
 * gain-free. Compare two with {@link timbreSimilarity}.
 * @throws Error when the fingerprint's matrix or profile is not valid base64.
 */
export function timbreVector(fp: TimbreSource): Float32Array {
  const features = timbreFeatures(fp);
  const out = new Float32Array(TIMBRE_DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < TIMBRE_DIMENSIONS; i++) {
    const [centre, spread, weight] = SCALING[i]!;
    const v = ((features[i]! - centre) / spread) * weight;
    out[i] = Number.isFinite(v) ? v : 0;
    norm += out[i]! ** 2;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < TIMBRE_DIMENSIONS; i++) out[i]! /= norm;
  return out;
}

/**
 * How alike two timbre vectors are, 0..1 (1: the same direction, 0.5: unrelated, 0: opposite):
 * the cosine mapped onto 0..1. Vectors of other lengths (another release) are unrelated: 0.
 */
export function timbreSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return Math.min(1, Math.max(0, (1 + dot) / 2));
}
