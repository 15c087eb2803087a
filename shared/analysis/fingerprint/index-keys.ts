import { mulberry32 } from '../prng.js';
import { MATRIX_BANDS } from './band-matrix.js';
import { base64ToBytes } from './base64.js';
import type { Fingerprint } from './fingerprint-types.js';
import { bytesToDb } from './quantise.js';

/** LSH tables; each key is one table's hash combined with one duration bucket. */
const TABLES = 8;
/** Hyperplane signs per table. */
const BITS = 6;
/** Duration buckets are this wide in log(duration + DURATION_PAD_S). */
const DURATION_BUCKET_RATIO = 1.3;
/** Makes buckets of very short sounds wide in absolute terms (trimming jitters by ms). */
const DURATION_PAD_S = 0.25;
/** Summary levels are clamped this many dB below their maximum. */
const SUMMARY_FLOOR_DB = -50;

const HYPERPLANES = makeHyperplanes(0x5eed_f1a9);

/**
 * Index keys of a fingerprint (16 short strings), such that two fingerprints of the same sound
 * share at least one key with very high probability and unrelated sounds rarely do.
 * Each key joins (1) a bucket of the trimmed duration on one of two grids offset by half a
 * bucket (durations within ±13 % of each other, with 0.25 s added, always share a bucket on
 * one grid) and (2) one of 8 random-hyperplane hashes (6 bits, fixed seed) of the
 * gain-normalised long-term band levels. Keys are stable across versions with `v` = 1.
 * Each key keeps its place (table by table, grid a then b): a key string names its position, so
 * two fingerprints can share a key only at the same index, which the server's ranking of
 * candidates counts on.
 * @throws Error when the fingerprint's matrix is not valid base64.
 */
export function fingerprintIndexKeys(fp: Fingerprint): string[] {
  const summary = summaryVector(fp);
  const u = Math.log(fp.durationMs / 1000 + DURATION_PAD_S) / Math.log(DURATION_BUCKET_RATIO);
  const buckets = [`a${Math.floor(u)}`, `b${Math.floor(u + 0.5)}`];
  const keys: string[] = [];
  for (let table = 0; table < TABLES; table++) {
    let hash = 0;
    for (let bit = 0; bit < BITS; bit++) {
      const plane = HYPERPLANES[table * BITS + bit]!;
      let dot = 0;
      for (let k = 0; k < MATRIX_BANDS; k++) dot += plane[k]! * summary[k]!;
      if (dot > 0) hash |= 1 << bit;
    }
    for (const bucket of buckets) keys.push(`f1${bucket}t${table}h${hash.toString(16)}`);
  }
  return keys;
}

/** Mean band levels over time in dB, clamped and centred (so gain-free). */
export function summaryVector(fp: Fingerprint): Float64Array {
  const levels = bytesToDb(base64ToBytes(fp.matrix));
  const frames = levels.length / MATRIX_BANDS;
  const power = new Float64Array(MATRIX_BANDS);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < MATRIX_BANDS; k++) {
      power[k]! += 10 ** (levels[t * MATRIX_BANDS + k]! / 10);
    }
  }
  const db = power.map((p) => 10 * Math.log10(p / frames + 1e-30));
  const max = Math.max(...db);
  let mean = 0;
  for (let k = 0; k < MATRIX_BANDS; k++) {
    db[k] = Math.max(db[k]!, max + SUMMARY_FLOOR_DB);
    mean += db[k]! / MATRIX_BANDS;
  }
  return db.map((x) => x - mean);
}

function makeHyperplanes(seed: number): Float64Array[] {
  const random = mulberry32(seed);
  const planes: Float64Array[] = [];
  for (let i = 0; i < TABLES * BITS; i++) {
    const plane = new Float64Array(MATRIX_BANDS);
    for (let k = 0; k < MATRIX_BANDS; k++) {
      const r = Math.sqrt(-2 * Math.log(1 - random()));
      plane[k] = r * Math.cos(2 * Math.PI * random());
    }
    planes.push(plane);
  }
  return planes;
}
