/** What a producer calls the file: a single hit, a repeating loop, or a track/stem. */
export type SoundKind = 'oneshot' | 'loop' | 'track';

/** At or above this length, material with a pulse is a track (or a stem), not a loop. */
export const TRACK_MIN_S = 30;
/** Below this length, material is a one-shot whatever it contains. */
export const ONESHOT_MAX_S = 1;
/** A loop spans at least this many beats of its tempo. */
const LOOP_MIN_BEATS = 3.5;

/**
 * Classifies material from its length and tempo evidence: no pulse (or under a second) is a
 * one-shot; a pulse over at least ~4 beats is a loop below TRACK_MIN_S and a track from it on;
 * long material without a pulse (an ambient piece, a long drone) is a track too.
 */
export function classifyKind(durationS: number, bpm: number | null): SoundKind {
  if (durationS < ONESHOT_MAX_S) return 'oneshot';
  if (durationS >= TRACK_MIN_S) return 'track';
  if (bpm === null) return 'oneshot';
  return (durationS * bpm) / 60 >= LOOP_MIN_BEATS ? 'loop' : 'oneshot';
}
