import { BPM_AGREEMENT_TOLERANCE, type KeyAgreement } from './hint-agreement.js';

/**
 * A measured tempo under this `bpm_confidence` is shown as unsure. Without hints, tempos at 0.9
 * and up were right 97.5 % (FluidR3 renders, seed 67) and 99.4 % of the time (TimGM6mb, seed
 * 68, a soundfont never tuned on); at 0.8-0.9, 98 % and 74 %; under 0.8, 66-89 %, most misses
 * being the half or double (BENCHMARKS.md, "Tempo without hints").
 */
export const SURE_TEMPO_CONFIDENCE = 0.9;

/**
 * A measured key under this `key_confidence` is shown as unsure. On seed 68 keys at 0.8 and up
 * were right 219 times in 223, and keys under 0.8 were rare (13, all right): the key's
 * confidence separates less than the tempo's, so only the weakest are marked.
 */
export const SURE_KEY_CONFIDENCE = 0.8;

/**
 * Whether a reported tempo deserves a second listen: its confidence is under
 * SURE_TEMPO_CONFIDENCE, and the tempo written in the name or tags (`hintBpm`), if any, is not
 * the one reported (within ±1.5 BPM, or 2 % when the written tempo set the octave of a
 * measurement kept to its own precision). A written tempo an octave away that did not set it
 * ("64 BPM" on a loop reported at 128) does not vouch for it. False when there is no tempo.
 */
export function tempoIsUnsure(
  bpm: number | null,
  confidence: number | null,
  hintBpm: number | null,
): boolean {
  if (bpm === null) return false;
  const tolerance = hintBpm === null ? 0 : Math.max(BPM_AGREEMENT_TOLERANCE, 0.02 * hintBpm);
  if (hintBpm !== null && Math.abs(bpm - hintBpm) <= tolerance) return false;
  return (confidence ?? 0) < SURE_TEMPO_CONFIDENCE;
}

/**
 * Whether a reported key deserves a second listen: no key written in the name or tags agrees
 * with it, and its confidence is under SURE_KEY_CONFIDENCE. False when there is no key.
 */
export function keyIsUnsure(
  key: string | null,
  confidence: number | null,
  hintAgreement: KeyAgreement | null,
): boolean {
  if (key === null) return false;
  if (hintAgreement === 'agrees') return false;
  return (confidence ?? 0) < SURE_KEY_CONFIDENCE;
}
