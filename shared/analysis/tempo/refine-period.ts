import { autocorrelationAt, meanSquare, parabolicPeak } from './autocorrelation.js';

/** Longest multiple of the beat whose autocorrelation peak is used. */
const MAX_MULTIPLE = 128;
/** A multiple's peak weaker than this fraction of the beat's own peak ends the refinement. */
const MIN_RELATIVE_PEAK = 0.3;
/** Lags searched either side of where the next multiple is expected (frames). */
const SEARCH_FRAMES = 2;

/**
 * Sharpens a beat period (in frames) by locating the autocorrelation peaks of x at 2, 4, 8, ...
 * times it, as long as they remain clear and at most half of x apart: the error of each
 * peak is divided by its multiple. Returns the refined period, or `periodFrames` unchanged when
 * no multiple helps (short clips, drifting tempo), and the multiple it was last measured at.
 */
export function refinePeriod(x: Float32Array, periodFrames: number): RefinedPeriod {
  const energy = meanSquare(x);
  const basePeak = peakNear(x, periodFrames, energy);
  let period = basePeak.value > 0 ? basePeak.lag : periodFrames;
  const floor = Math.max(0, basePeak.value) * MIN_RELATIVE_PEAK;
  let measuredAt = 1;
  for (let multiple = 2; multiple <= MAX_MULTIPLE; multiple *= 2) {
    const expected = period * multiple;
    if (expected + SEARCH_FRAMES + 1 > x.length / 2) break;
    const peak = peakNear(x, expected, energy);
    if (peak.value <= floor || Math.abs(peak.lag - expected) >= SEARCH_FRAMES) break;
    period = peak.lag / multiple;
    measuredAt = multiple;
  }
  return { periodFrames: period, multiple: measuredAt };
}

export interface RefinedPeriod {
  periodFrames: number;
  /** The largest multiple of the period whose peak was used (1 when none): precision grows with it. */
  multiple: number;
}

/** The highest autocorrelation peak within SEARCH_FRAMES of `lag`, parabolically refined. */
function peakNear(x: Float32Array, lag: number, energy: number): { lag: number; value: number } {
  const lo = Math.max(1, Math.floor(lag) - SEARCH_FRAMES);
  const hi = Math.ceil(lag) + SEARCH_FRAMES;
  const values = new Float64Array(hi - lo + 3);
  for (let i = 0; i < values.length; i++) values[i] = autocorrelationAt(x, lo - 1 + i, energy);
  let best = 1;
  for (let i = 2; i < values.length - 1; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  const peak = parabolicPeak(values, best);
  return { lag: lo - 1 + peak.lag, value: peak.value };
}
