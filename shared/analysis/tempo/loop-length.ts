/** Beat counts a cleanly cut loop may span; bars of four are preferred among near ties. */
export const LOOP_BEAT_COUNTS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16, 32, 64];
/** Clips longer than this (seconds) are never treated as loops. */
export const MAX_LOOP_S = 30;
/** Largest relative gap between the measured tempo and the tempo a loop length implies. */
export const LOOP_TEMPO_TOLERANCE = 0.03;
/** The gap allowed is never below this, however precise the measurement. */
const MIN_TOLERANCE = 0.005;
/** Penalty (as relative tempo error) for beat counts that are not whole 4/4 bars. */
const NOT_WHOLE_BARS_PENALTY = 0.01;

export interface LoopMatch {
  beats: number;
  /** The exact tempo the length implies: 60 * beats / durationS. */
  bpm: number;
}

/**
 * Finds the beat count from LOOP_BEAT_COUNTS whose exact tempo (60 * beats / durationS) lies
 * within tolerance of `estimatedBpm`, preferring the closest, and whole bars of four beats
 * among near ties. The tolerance is LOOP_TEMPO_TOLERANCE, narrowed towards 0.5 % when the
 * estimate is known to be more precise (`relativePrecision`, e.g. 0.001 for 0.1 %): a
 * 20 s clip measured to 0.1 % is not a loop because 32 beats would be 2.5 % off.
 * Returns null when none fits or durationS > MAX_LOOP_S.
 */
export function matchLoopLength(
  durationS: number,
  estimatedBpm: number,
  relativePrecision = 1,
): LoopMatch | null {
  if (!(durationS > 0) || durationS > MAX_LOOP_S || !(estimatedBpm > 0)) return null;
  const tolerance = Math.min(LOOP_TEMPO_TOLERANCE, Math.max(MIN_TOLERANCE, 4 * relativePrecision));
  let best: LoopMatch | null = null;
  let bestCost = Infinity;
  for (const beats of LOOP_BEAT_COUNTS) {
    const bpm = (60 * beats) / durationS;
    const error = Math.abs(bpm / estimatedBpm - 1);
    if (error > tolerance) continue;
    const cost = error + (beats % 4 === 0 ? 0 : NOT_WHOLE_BARS_PENALTY);
    if (cost < bestCost) {
      bestCost = cost;
      best = { beats, bpm };
    }
  }
  return best;
}
