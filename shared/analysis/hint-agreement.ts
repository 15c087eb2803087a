import type { MusicalKey } from '../music/key-names.js';

/** How a hint relates to the measurement. */
export type BpmAgreement = 'agrees' | 'octave' | 'disagrees';
export type KeyAgreement = 'agrees' | 'relative' | 'disagrees';

/** Tempo hints within this many BPM of the measurement agree with it. */
export const BPM_AGREEMENT_TOLERANCE = 1.5;

/**
 * Compares a tempo hint with a measured tempo: `agrees` within ±1.5 BPM, `octave` when one is
 * within 2 % of twice or half the other, else `disagrees`.
 */
export function compareBpm(measured: number, hint: number): BpmAgreement {
  if (Math.abs(measured - hint) <= BPM_AGREEMENT_TOLERANCE) return 'agrees';
  return octaveRatio(measured, hint) === null ? 'disagrees' : 'octave';
}

function octaveRatio(measured: number, hint: number): number | null {
  for (const ratio of [2, 0.5]) {
    if (Math.abs(measured * ratio - hint) <= 0.02 * hint) return ratio;
  }
  return null;
}

/** The fastest tempo a written hint may lift a measurement to. */
const MAX_HINTED_BPM = 180;
/** The slowest tempo a written hint may bring a measurement down to. */
const MIN_HINTED_BPM = 70;

/**
 * The tempo to report, given a measurement, what the name or tags say, and whether the
 * estimator's choice of octave was clear-cut. Estimators most often read fast material at
 * half tempo (87 for drum and bass at 174) while producers write the tempo they count, so a
 * hint of twice the measurement (up to 180) wins. A hint of half the measurement wins only
 * when the octave was a close call and the hint is a tempo producers write (70 or more):
 * "70" on a half-time ballad is the producer's reading, "64 BPM" on a four-on-the-floor 128
 * loop is a mislabel. The measured precision is kept either way.
 */
export function resolveBpm(measured: number, hint: number | null, octaveCertain: boolean): number {
  if (hint === null) return measured;
  const ratio = octaveRatio(measured, hint);
  if (ratio === 2 && hint <= MAX_HINTED_BPM) return measured * 2;
  if (ratio === 0.5 && !octaveCertain && hint >= MIN_HINTED_BPM) return measured / 2;
  return measured;
}

/** Compares a key hint with a measured key: same key, its relative major/minor, or other. */
export function compareKey(measured: MusicalKey, hint: MusicalKey): KeyAgreement {
  if (measured.tonic === hint.tonic && measured.mode === hint.mode) return 'agrees';
  if (measured.mode !== hint.mode) {
    const relativeOfHint = hint.mode === 'major' ? (hint.tonic + 9) % 12 : (hint.tonic + 3) % 12;
    if (measured.tonic === relativeOfHint) return 'relative';
  }
  return 'disagrees';
}
