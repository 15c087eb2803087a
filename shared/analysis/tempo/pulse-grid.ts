/** Beats per segment over which the grid phase is fitted again, to follow a drifting tempo. */
const SEGMENT_PERIODS = 8;

/**
 * Mean onset strength on a grid of period `periodFrames` starting at `phaseFrames`, over
 * frames [from, to). Each grid point takes the strongest frame within +-1 frame, which
 * absorbs the rounding of onsets to frames.
 */
export function gridStrength(
  novelty: Float32Array,
  periodFrames: number,
  phaseFrames: number,
  from = 0,
  to = novelty.length,
): number {
  let sum = 0;
  let count = 0;
  for (let pos = from + phaseFrames; pos < to - 0.5; pos += periodFrames) {
    const i = Math.round(pos);
    sum += Math.max(novelty[i - 1] ?? 0, novelty[i] ?? 0, novelty[i + 1] ?? 0);
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/**
 * How strong the half-way points of a pulse are against the pulse itself: the grid phase is
 * fitted per segment of 8 periods to its strongest position, then
 * ratio = strength at phase + period/2 divided by strength at the phase.
 * Near 1: the half-way points are pulses too (the true beat is at least twice as fast).
 * Near 0: nothing falls between the pulses (it has no subdivision). Returns 0 for no onsets.
 */
export function midpointRatio(novelty: Float32Array, periodFrames: number): number {
  const segment = Math.max(
    periodFrames * SEGMENT_PERIODS,
    Math.min(novelty.length, periodFrames * 2),
  );
  let on = 0;
  let mid = 0;
  for (let from = 0; from + periodFrames <= novelty.length; from += segment) {
    const to = Math.min(novelty.length, from + segment);
    const fit = fitPhase(novelty, periodFrames, from, to);
    const weight = to - from;
    on += fit.strength * weight;
    mid +=
      gridStrength(novelty, periodFrames, (fit.phase + periodFrames / 2) % periodFrames, from, to) *
      weight;
  }
  return on > 0 ? mid / on : 0;
}

/**
 * How well a beat grid that starts exactly at `startFrame` fits the onsets, against the best
 * phase of the same period: 1 when the clip starts on a beat, near 0 when it starts between.
 */
export function startAlignment(
  novelty: Float32Array,
  periodFrames: number,
  startFrame: number,
  endFrame: number,
): number {
  let best = 0;
  for (let phase = 0; phase < periodFrames; phase++) {
    best = Math.max(best, gridStrength(novelty, periodFrames, phase, startFrame, endFrame));
  }
  return best > 0 ? gridStrength(novelty, periodFrames, 0, startFrame, endFrame) / best : 0;
}

/** Best grid phase within [from, to) and its strength. */
function fitPhase(
  novelty: Float32Array,
  periodFrames: number,
  from: number,
  to: number,
): { phase: number; strength: number } {
  let best = 0;
  let phase = 0;
  for (let p = 0; p < periodFrames; p++) {
    const s = gridStrength(novelty, periodFrames, p, from, to);
    if (s > best) {
      best = s;
      phase = p;
    }
  }
  return { phase, strength: best };
}
