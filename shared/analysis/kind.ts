/** What a producer calls the file: a single hit, a repeating loop, or a track/stem. */
export type SoundKind = 'oneshot' | 'loop' | 'track';

/** At or above this length, material with a pulse is a track (or a stem), not a loop. */
export const TRACK_MIN_S = 30;
/** Below this length, material is a one-shot whatever it contains. */
export const ONESHOT_MAX_S = 1;
/** From this length on, material with a pulse that is not cut to whole beats is a track. */
export const UNCUT_TRACK_MIN_S = 20;
/** A loop spans at least this many beats of its tempo. */
const LOOP_MIN_BEATS = 3.5;

/**
 * Classifies material from its length and tempo evidence. Under a second, or without a
 * pulse, it is a one-shot (long pulseless material, from TRACK_MIN_S on, is a track). From
 * TRACK_MIN_S on it is a track. Below that, a clip cut to a whole number of beats is a loop;
 * pulsed material that is not so cut is a track from UNCUT_TRACK_MIN_S on (a short song or an
 * excerpt) and a loop below it if it spans at least ~4 beats.
 */
export function classifyKind(
  durationS: number,
  bpm: number | null,
  loopBeats: number | null,
): SoundKind {
  if (durationS < ONESHOT_MAX_S) return 'oneshot';
  if (durationS >= TRACK_MIN_S) return 'track';
  if (bpm === null) return 'oneshot';
  if (loopBeats !== null) return 'loop';
  if (durationS >= UNCUT_TRACK_MIN_S) return 'track';
  return (durationS * bpm) / 60 >= LOOP_MIN_BEATS ? 'loop' : 'oneshot';
}
