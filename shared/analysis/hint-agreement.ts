import type { MusicalKey } from '../music/key-names.js';
import { matchLoopLength, type LoopMatch } from './tempo/index.js';

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

/** Written tempos in this range are taken as the producer's count (BPM). */
const MIN_HINTED_BPM = 70;
const MAX_HINTED_BPM = 180;

/**
 * The tempo to report, given a measurement and what the file's tags or name say. Half and
 * double time are the same pulse counted differently, and the count a producer wrote (87 on a
 * boom-bap loop an analyser reads as 174, 174 on a break it reads as 87) is the musical
 * reading, so a hint an octave away wins when it is a tempo producers write (70-180 BPM);
 * "64 BPM" on a four-on-the-floor 128 loop is taken as a slip and the measurement stands.
 * The measured precision is kept (measured × 2 or ÷ 2).
 */
export function resolveBpm(measured: number, hint: number | null): number {
  if (hint === null || hint < MIN_HINTED_BPM || hint > MAX_HINTED_BPM) return measured;
  return measured * (octaveRatio(measured, hint) ?? 1);
}

/**
 * A loop's tempo from its written tempo when the analysis found no pulse (a pad, an arpeggio
 * with soft attacks): if the clip is a whole number of bars (4 beats or more, a multiple of 4)
 * at the hinted tempo, within 3 %, the length gives the exact tempo. Else null.
 */
export function loopTempoFromHint(durationS: number, hint: number | null): LoopMatch | null {
  if (hint === null || hint < MIN_HINTED_BPM || hint > MAX_HINTED_BPM) return null;
  const loop = matchLoopLength(durationS, hint);
  return loop && loop.beats >= 4 && loop.beats % 4 === 0 ? loop : null;
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
