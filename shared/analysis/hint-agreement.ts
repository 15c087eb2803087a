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

/**
 * The tempo to report: where the name or tags give the same tempo an octave away (half or
 * double time), the producer's written reading wins, since it is how the file is meant to be
 * counted; the measured precision is kept (measured × 2 or ÷ 2). Otherwise the measurement.
 */
export function resolveBpm(measured: number, hint: number | null): number {
  if (hint === null || Math.abs(measured - hint) <= BPM_AGREEMENT_TOLERANCE) return measured;
  return measured * (octaveRatio(measured, hint) ?? 1);
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
