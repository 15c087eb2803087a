/** Onsets weaker than this fraction of the strongest one are not counted as evidence. */
const ONSET_THRESHOLD = 0.25;
/** Two counted onsets are at least this far apart (seconds): a clap's bursts are one hit. */
const MIN_ONSET_GAP_S = 0.08;
/**
 * Periodicity (normalised autocorrelation) at or below which there is no pulse at all: at
 * least this, and at least NOISE_SIGMAS standard errors of the autocorrelation of noise over
 * the frames that overlap at the period (short clips of noise find chance peaks)...
 */
const PERIODICITY_NONE = 0.2;
const NOISE_SIGMAS = 3;
/** ...and this much above it the pulse is certain. */
const PERIODICITY_RANGE = 0.4;

/**
 * Peaks of the onset envelope at least ONSET_THRESHOLD of the strongest and at least
 * MIN_ONSET_GAP_S apart; returns their frame indices in time order.
 */
export function strongOnsets(novelty: Float32Array, frameRate: number): number[] {
  let max = 0;
  for (const v of novelty) max = Math.max(max, v);
  if (max <= 0) return [];
  const gap = Math.max(1, Math.round(MIN_ONSET_GAP_S * frameRate));
  const onsets: number[] = [];
  for (let i = 0; i < novelty.length; i++) {
    const v = novelty[i] ?? 0;
    if (v < ONSET_THRESHOLD * max) continue;
    let isPeak = true;
    for (let j = Math.max(0, i - gap); j <= Math.min(novelty.length - 1, i + gap) && isPeak; j++) {
      const w = novelty[j] ?? 0;
      if (w > v || (w === v && j < i)) isPeak = false;
    }
    if (isPeak) onsets.push(i);
  }
  return onsets;
}

/**
 * The share of the envelope's frames that reach ONSET_THRESHOLD of its strongest rise (0..1).
 * Attacks are sparse: the loops read right on the rendered libraries keep it at 0.15 or under
 * (99 % of drum loops under 0.1), while a held sound whose partials beat or waver (two close
 * tones, a detuned pad, vibrato) or noise rises by as much on a sixth or more of its frames.
 * Pure.
 */
export function onsetDensity(novelty: Float32Array): number {
  let max = 0;
  for (const v of novelty) max = Math.max(max, v);
  if (max <= 0) return 0;
  let reaching = 0;
  for (const v of novelty) if (v >= ONSET_THRESHOLD * max) reaching++;
  return reaching / novelty.length;
}

/**
 * Confidence (0..1) that the clip has a steady pulse at `periodFrames`: the periodicity
 * (normalised autocorrelation at that period) mapped linearly from a no-pulse floor (0.2, or
 * more for short clips, where noise alone correlates by chance) to 0.4 above it, times the evidence of strong onsets: none below 3 of them, full from 5 on, and
 * none unless they span at least two periods.
 */
export function pulseConfidence(
  novelty: Float32Array,
  frameRate: number,
  periodicity: number,
  periodFrames: number,
): number {
  const onsets = strongOnsets(novelty, frameRate);
  const span = onsets.length > 0 ? (onsets[onsets.length - 1] ?? 0) - (onsets[0] ?? 0) : 0;
  if (onsets.length < 3 || span < 2 * periodFrames * 0.9) return 0;
  const evidence = Math.min(1, (onsets.length - 2) / 3);
  const overlap = Math.max(1, novelty.length - periodFrames);
  const none = Math.max(PERIODICITY_NONE, NOISE_SIGMAS / Math.sqrt(overlap));
  const clarity = Math.min(1, Math.max(0, (periodicity - none) / PERIODICITY_RANGE));
  return evidence * clarity;
}
