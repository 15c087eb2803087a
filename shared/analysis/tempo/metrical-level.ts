import type { OnsetEnvelope } from './onset-envelope.js';
import { midpointRatio } from './pulse-grid.js';

/** Tempos a producer writes on a file (BPM); the chosen octave always falls inside. */
export const MIN_BPM = 57;
export const MAX_BPM = 190;
/** Centre (BPM) and width (octaves) of the log-Gaussian prior over tempo octaves. */
const PRIOR_CENTRE_BPM = 130;
const PRIOR_SIGMA_OCTAVES = 0.5;
/** Half-way points at least this strong relative to the pulse make them beats too. */
const HALF_BEAT_IS_BEAT = 0.7;
/** Half-way points at most this strong mean the pulse has no subdivision: it is the tatum. */
const NO_SUBDIVISION = 0.2;
/** Kick and snare at S's half-way points below this mean S carries the accent (they alternate). */
const ACCENTS_ALTERNATE = 0.5;

/** Prior weight (0..1] of a tempo in BPM: log-Gaussian around PRIOR_CENTRE_BPM. */
export function tempoPrior(bpm: number): number {
  const octaves = Math.log2(bpm / PRIOR_CENTRE_BPM);
  return Math.exp(-(octaves * octaves) / (2 * PRIOR_SIGMA_OCTAVES * PRIOR_SIGMA_OCTAVES));
}

/** Why a metrical level was chosen, for tests and calibration. */
export type LevelReason = 'single' | 'half-beats-strong' | 'no-subdivision' | 'prior';

export interface LevelChoice {
  bpm: number;
  reason: LevelReason;
}

/**
 * Chooses the beat among the octaves of a pulse found at `pulseBpm`: the octaves inside
 * [MIN_BPM, MAX_BPM] (one or two, S and F = 2S) compete by these rules, in order:
 * 1. if kick and snare (low and mid bands) at S's half-way points are about as strong as at
 *    S's pulses (four on the floor, a kick-snare alternation at 180 rather than 90), the beat
 *    is F;
 * 2. if F has nothing between its pulses and its pulses alternate strong (kick, snare) and
 *    weak (hats only), as on the 8ths of a 60 BPM groove, F is the subdivision and the beat is
 *    S; evenly accented pulses (a kick-only loop) are left to the prior;
 * 3. else the prior decides, weighted by the autocorrelation `strengthAt` each tempo:
 *    half-time grooves (trap, and hip-hop at 70 with 16th hats) read as the faster octave.
 * Returns the chosen tempo in BPM and the rule that chose it.
 */
export function chooseMetricalLevel(
  envelope: OnsetEnvelope,
  pulseBpm: number,
  strengthAt: (bpm: number) => number,
): LevelChoice {
  let bpm = pulseBpm;
  while (bpm > MAX_BPM) bpm /= 2;
  while (bpm < MIN_BPM) bpm *= 2;
  const slow = bpm >= MIN_BPM * 2 ? bpm / 2 : bpm;
  const fast = slow * 2;
  if (fast > MAX_BPM) return { bpm: slow, reason: 'single' };
  const { novelty, low, mid, frameRate } = envelope;
  const period = (b: number): number => (60 * frameRate) / b;
  const accent = low.map((v, i) => v + (mid[i] ?? 0));
  const halfBeatAccent = midpointRatio(accent, period(slow));
  if (halfBeatAccent >= HALF_BEAT_IS_BEAT) return { bpm: fast, reason: 'half-beats-strong' };
  if (
    halfBeatAccent < ACCENTS_ALTERNATE &&
    midpointRatio(novelty, period(fast)) <= NO_SUBDIVISION
  ) {
    return { bpm: slow, reason: 'no-subdivision' };
  }
  const slowScore = Math.max(0, strengthAt(slow)) * tempoPrior(slow);
  const fastScore = Math.max(0, strengthAt(fast)) * tempoPrior(fast);
  return { bpm: fastScore >= slowScore ? fast : slow, reason: 'prior' };
}
