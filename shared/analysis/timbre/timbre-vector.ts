import { FEATURE_COUNT, timbreFeatures, type TimbreSource } from './timbre-features.js';

/** Length of a timbre vector. */
export const TIMBRE_DIMENSIONS = FEATURE_COUNT;

/**
 * Per feature (timbre-features.ts order): a typical value, a typical spread and a weight. Each
 * feature becomes (value − centre) / spread × weight before the vector is L2-normalised, so
 * every feature counts in proportion to its weight whatever its unit, and the vector is centred
 * on the typical sound (which the index's random hyperplanes need to split a library evenly).
 * Centres and spreads are the means and standard deviations of the development set of `npm run
 * bench:similar` (763 drum-kit hits and soundfont notes). Weights are all 1: weights tuned on
 * that set raised its top-5 same-class share from 60 % to 68 % and left the validation set's
 * where it was (37 %), so they fitted the set, not timbre (BENCHMARKS.md).
 */
const SCALING: readonly (readonly [centre: number, spread: number, weight: number])[] = [
  [-25.6, 15.7, 1], // shape0Db
  [-17.9, 16.9, 1], // shape1Db
  [-7.57, 8.28, 1], // shape2Db
  [-7.85, 8.84, 1], // shape3Db
  [-10.1, 10.2, 1], // shape4Db
  [-12.9, 10.7, 1], // shape5Db
  [-15, 12.7, 1], // shape6Db
  [-18.2, 14.4, 1], // shape7Db
  [-22.1, 16, 1], // shape8Db
  [2.68, 1.05, 1], // centroidOct
  [0.722, 0.416, 1], // spreadOct
  [-22.5, 9.69, 1], // flatnessDb
  [-1.18, 0.812, 1], // logAttackS
  [-0.222, 0.456, 1], // logDecay20S
  [-0.049, 0.385, 1], // logDecay40S
  [0.000189, 0.409, 1], // logDurationS
  [0.613, 0.306, 1], // sustainShare
  [1.69, 1.11, 1], // fluxDb
  [0.175, 0.567, 1], // brightnessDropOct
  [-31.9, 17.6, 1], // high0Db
  [-38.9, 19.0, 1], // high1Db
  [-44.8, 18.8, 1], // high2Db
  [-49.6, 17.0, 1], // high3Db
  [-0.369, 0.505, 1], // logHighDecayS
  [-0.143, 0.358, 1], // highDecayOverBody
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
