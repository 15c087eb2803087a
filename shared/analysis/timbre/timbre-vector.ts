import { FEATURE_COUNT, timbreFeatures, type TimbreSource } from './timbre-features.js';
import { PROJECTION, SCALING } from './timbre-metric.js';

/*
 * The metric (timbre-metric.ts), fitted on the development set of `npm run bench:similar` (2,618
 * hits of recorded and soundfont drum kits, and notes of two soundfont lineages, short and held,
 * in three registers) by `npm run bench:similar -- --only classes --fit`
 * (bench/similar/metric-fit.ts), never on its validation set. Per feature (timbre-features.ts
 * order) a centre and a spread, the development set's mean and standard deviation, so that each
 * feature is read in its own typical range whatever its unit. Then PROJECTION: the directions
 * along which the classes (kick, hat, piano, pad…) differ most against how much sounds of one
 * class vary (linear discriminant analysis), each scaled to unit spread within a class. With
 * every feature weighted alike, the nearest sounds were those alike in whatever varied most,
 * such as the level of single bands, which differs between two sample sets of one instrument;
 * the projection counts what tells classes apart and plays down what varies within one.
 * Hand-tuned per-feature weights had fitted the development set without carrying over to the
 * validation set (BENCHMARKS.md); this projection carries over to sample sets it was not fitted
 * on: on the validation set, a sound's five nearest other instruments are mostly of its own
 * class for 55 % of the queries, against 47 % with the projection of version 2 (BENCHMARKS.md).
 */

/** Length of a timbre vector: one number per discriminant direction. */
export const TIMBRE_DIMENSIONS = PROJECTION.length;
/**
 * What a timbre vector means: raised whenever the features or the metric change, so that vectors
 * stored by an earlier release are told apart and computed again from their fingerprints (the
 * server's TimbreBackfill); vectors of two versions are not comparable. 1: 25 features, each
 * standardised, no projection; 2: 61 features and the discriminant projection; 3: the same
 * features, the projection fitted on notes of varied length and register, a second lineage and
 * soundfont drum kits.
 */
export const TIMBRE_VERSION = 3;

/**
 * A compact description of how a sound sounds (its spectral shape, envelope and change over
 * time), from its fingerprint: {@link TIMBRE_DIMENSIONS} numbers (its features standardised and
 * projected by the metric above, centred on the typical sound, which the index's random
 * hyperplanes need to split a library evenly), L2-normalised, so that sounds of one kind
 * (kicks, hats, pads) lie close together by cosine. Deterministic and gain-free. Compare two
 * with {@link timbreSimilarity}.
 * @throws Error when the fingerprint's matrix or profile is not valid base64.
 */
export function timbreVector(fp: TimbreSource): Float32Array {
  return timbreVectorOfFeatures(timbreFeatures(fp));
}

/** {@link timbreVector} of features timbreFeatures already gave (one value per FEATURE_NAMES). */
export function timbreVectorOfFeatures(features: ArrayLike<number>): Float32Array {
  // A feature the fingerprint cannot give (`high` of one stored before it) reads as typical: 0.
  const standard = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const [centre, spread] = SCALING[i]!;
    const v = (features[i]! - centre) / spread;
    standard[i] = Number.isFinite(v) ? v : 0;
  }
  const out = new Float32Array(TIMBRE_DIMENSIONS);
  let norm = 0;
  for (let d = 0; d < TIMBRE_DIMENSIONS; d++) {
    const row = PROJECTION[d]!;
    let v = 0;
    for (let i = 0; i < FEATURE_COUNT; i++) v += row[i]! * standard[i]!;
    out[d] = v;
    norm += v * v;
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
