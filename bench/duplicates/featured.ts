/** An original that gets copies and edits. */
export interface Featured {
  path: string;
  /** `hit`: one-shot; `loop`: edits and tempo changes apply; `track`: tempo changes only. */
  shape: 'hit' | 'loop' | 'track';
  /** Tempo variants were rendered from the MIDI: no sox time-stretch then (it would be a third). */
  temposRendered?: boolean;
  /** Whether sox re-pitches of it are planned (rendered notes get theirs from the synth). */
  repitch: boolean;
}
