import { UNCUT_TRACK_MIN_S } from '../kind.js';
import type { TempoAnalysis } from './analyse-tempo.js';
import { MAX_LOOP_S } from './loop-length.js';

/** How a clip's level moves over its length, measured in blocks of equal length. */
export interface LevelShape {
  /** Level of the first block relative to the loudest (dB, <= 0). */
  startDb: number;
  /** Level of the last whole block relative to the loudest (dB, <= 0). */
  endDb: number;
  /**
   * Level of the clip's last quarter relative to its first (dB): above 0 it swells (a riser),
   * below 0 it dies away (a struck or released note). A loop repeats, so its two ends are alike.
   */
  trendDb: number;
}

/**
 * The level shape of `samples` in blocks of `block` samples; null for a clip of fewer than four
 * blocks, or silence. Pure.
 */
export function levelShape(samples: Float32Array, block: number): LevelShape | null {
  const count = Math.floor(samples.length / block);
  if (!(block >= 1) || count < 4) return null;
  const energy = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let sum = 0;
    for (let i = b * block; i < (b + 1) * block; i++) sum += samples[i]! * samples[i]!;
    energy[b] = sum;
  }
  const loudest = Math.max(...energy);
  if (!(loudest > 0)) return null;
  const floor = 1e-12 * loudest;
  const db = (e: number, reference: number) => 10 * Math.log10(Math.max(e, floor) / reference);
  const quarter = Math.floor(count / 4);
  let first = 0;
  let last = 0;
  for (let b = 0; b < quarter; b++) {
    first += energy[b]!;
    last += energy[count - 1 - b]!;
  }
  return {
    startDb: db(energy[0]!, loudest),
    endDb: db(energy[count - 1]!, loudest),
    trendDb: db(last, Math.max(first, floor)),
  };
}

/**
 * A clip cut while it sounds ends within this of its loudest block (dB), a fade of a few
 * milliseconds against a click included; a sound left to ring out from one attack ends far lower
 * (the chord stabs this turned away on the development seeds ended about 40 dB down).
 */
const CUT_END_DB = -20;
/**
 * At or above this confidence the pulse stands on its own; below it the tempo leans on the
 * clip's length, its chord changes or a held sound, so its level must also allow a loop.
 */
const WEAK_EVIDENCE = 0.5;
/** Largest swell or decay (dB, last quarter against first) of a clip that loops. */
const MAX_LOOP_TREND_DB = 15;
/** Fewer strong onsets than this give no pulse at all (see pulseConfidence). */
const MIN_PULSE_ONSETS = 3;

/**
 * Whether a clip's level allows the loop its tempo implies, when the tempo rests on weak
 * evidence (below WEAK_EVIDENCE) or the clip is not cut to whole beats (shorter than an uncut
 * track): a loop repeats, so it does not swell or die away by more than MAX_LOOP_TREND_DB from
 * its first quarter to its last (risers and sweeps swell, pads and sung notes released within
 * the clip die away); and a clip with too few onsets for a pulse, whose tempo rests on its length
 * alone, is cut while it sounds (its last block within CUT_END_DB of its loudest), not
 * left to ring out (a chord stab). Chosen on the one-shots and loops of the rendered libraries of
 * seeds 61, 68 and 71 (a throwaway study): 12 of the 14 one-shots of a second or more that had a
 * tempo lose it, and none of the 782 loops read right loses its tempo; right loops swell or decay
 * by 11.5 dB at most, those one-shots by 20 dB or more. BENCHMARKS.md gives held-out figures.
 * Pure.
 */
export function levelAllowsLoop(
  tempo: Pick<TempoAnalysis, 'confidence' | 'loopBeats'>,
  shape: LevelShape | null,
  onsets: number,
  durationS: number,
): boolean {
  const weak = tempo.confidence < WEAK_EVIDENCE;
  const uncut = tempo.loopBeats === null && durationS < UNCUT_TRACK_MIN_S;
  if (shape === null || durationS > MAX_LOOP_S || !(weak || uncut)) return true;
  if (Math.abs(shape.trendDb) > MAX_LOOP_TREND_DB) return false;
  return !(weak && onsets < MIN_PULSE_ONSETS && shape.endDb < CUT_END_DB);
}
