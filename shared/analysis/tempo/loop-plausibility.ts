import { UNCUT_TRACK_MIN_S } from '../kind.js';
import type { TempoAnalysis } from './analyse-tempo.js';
import type { LevelShape } from './level-shape.js';
import { MAX_LOOP_S } from './loop-length.js';

/** What the clip itself says about whether it can be a loop, whatever its tempo. */
export interface ClipEvidence {
  /** How its level moves (null for a clip too short to measure, or silence). */
  shape: LevelShape | null;
  /**
   * For a clip not cut to whole beats, how its level moves up to one beat after its last strong
   * onset (null otherwise, or when too short to measure): a loop exported with the tail of its
   * last hits dies away only after that, while a sound whose attacks die away does before.
   */
  shapeUntilRingOut?: LevelShape | null;
  /** Its strong onsets (strongOnsets). */
  onsets: number;
  /** The share of its onset envelope's frames that reach the strong-onset threshold (onsetDensity). */
  onsetDensity: number;
}

/**
 * A clip cut while it sounds ends within this of its loudest block (dB), a fade of a few
 * milliseconds against a click included; a sound left to ring out from one attack ends far lower
 * (the chord stabs this turned away on the development seeds ended about 40 dB down).
 */
const CUT_END_DB = -20;
/**
 * At or above this confidence the pulse stands on its own; below it the tempo leans on the
 * clip's length, its chord changes or a held sound, so the clip must also look like a loop.
 */
const WEAK_EVIDENCE = 0.5;
/** Largest swell or decay (dB, last quarter against first) of a clip that loops. */
const MAX_LOOP_TREND_DB = 15;
/** Fewer strong onsets than this give no pulse at all (see pulseConfidence). */
const MIN_PULSE_ONSETS = 3;
/**
 * Largest onset density of a loop: a pulse is carried by attacks, sparse in the envelope.
 * Above it the "onsets" are a held sound's beating or wavering partials (two close tones, a
 * detuned or vibrato pad, a sung note), whose rate a tempogram reads as a pulse: a drone of
 * 55 and 110 Hz read 110 BPM at confidence 0.94. Chosen on the rendered libraries of seeds 61,
 * 62, 68 and 71 and the development half of the held one-shots (a throwaway study): 10 of the
 * 11 one-shots given a tempo lose it, and none of the loops read right reaches it: among those
 * weak or not cut to whole beats, loops without drums reach 0.13 at most, drum loops 0.09.
 * BENCHMARKS.md gives the held-out figures.
 */
const MAX_LOOP_ONSET_DENSITY = 0.15;

/**
 * Whether a clip allows the loop its tempo implies, when the tempo rests on weak evidence
 * (below WEAK_EVIDENCE) or the clip is not cut to whole beats (shorter than an uncut track):
 * - its onsets are attacks, not a held sound's wavering (onset density at most
 *   MAX_LOOP_ONSET_DENSITY);
 * - a loop repeats, so it does not swell or die away by more than MAX_LOOP_TREND_DB from its
 *   first quarter to its last (risers and sweeps swell, pads and sung notes released within
 *   the clip die away);
 * - a clip with too few onsets for a pulse, whose tempo rests on its length alone, is cut while
 *   it sounds (its last block within CUT_END_DB of its loudest), not left to ring out (a chord
 *   stab).
 * The level tests were chosen on the one-shots and loops of the rendered libraries of seeds 61,
 * 68 and 71 (a throwaway study): 12 of the 14 one-shots of a second or more that had a tempo
 * lose it, and none of the 782 loops read right loses its tempo; right loops swell or decay by
 * 11.5 dB at most, those one-shots by 20 dB or more. A strong pulse not cut to whole beats is
 * weighed only up to one beat after its last strong onset (shapeUntilRingOut): drum loops
 * played from recorded kits and exported with their last hits left to ring died away by 17-63
 * dB over the whole clip but by 12 dB at most up to there, and none of the one-shots of a
 * second or more of seeds 61, 62 and 68 and of the held one-shots' development half that lose
 * their tempo here would keep it (all weak, or too dense). BENCHMARKS.md gives held-out
 * figures. Pure.
 */
export function clipAllowsLoop(
  tempo: Pick<TempoAnalysis, 'confidence' | 'loopBeats'>,
  clip: ClipEvidence,
  durationS: number,
): boolean {
  const { shape, onsets, onsetDensity } = clip;
  const weak = tempo.confidence < WEAK_EVIDENCE;
  const uncut = tempo.loopBeats === null && durationS < UNCUT_TRACK_MIN_S;
  if (durationS > MAX_LOOP_S || !(weak || uncut)) return true;
  if (onsetDensity > MAX_LOOP_ONSET_DENSITY) return false;
  if (shape === null) return true;
  // A strong pulse is weighed up to where its last hits ring out: a loop left to ring.
  const trend = (!weak && clip.shapeUntilRingOut) || shape;
  if (Math.abs(trend.trendDb) > MAX_LOOP_TREND_DB) return false;
  return !(weak && onsets < MIN_PULSE_ONSETS && shape.endDb < CUT_END_DB);
}
