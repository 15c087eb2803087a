/** Pitch-class names with sharps, index 0 = C. */
export const PITCH_CLASSES = [
  'C',
  'C#',
  'D',
  'D#',
  'E',
  'F',
  'F#',
  'G',
  'G#',
  'A',
  'A#',
  'B',
] as const;

export type Mode = 'major' | 'minor';

/** A musical key: tonic pitch class (0 = C … 11 = B) and mode. */
export interface MusicalKey {
  tonic: number;
  mode: Mode;
}

const FLAT_TO_SHARP: Record<string, string> = {
  DB: 'C#',
  EB: 'D#',
  GB: 'F#',
  AB: 'G#',
  BB: 'A#',
  CB: 'B',
  FB: 'E',
  'E#': 'F',
  'B#': 'C',
};

/** Pitch class of a note name such as `F#`, `Bb`, `c` (case-insensitive), or null. */
export function pitchClassOf(note: string): number | null {
  const upper = note.trim().toUpperCase().replace('♯', '#').replace('♭', 'B');
  if (upper.length === 0 || upper.length > 2) return null;
  const sharp = FLAT_TO_SHARP[upper] ?? upper;
  const index = PITCH_CLASSES.indexOf(sharp as (typeof PITCH_CLASSES)[number]);
  return index >= 0 ? index : null;
}

/**
 * Tonic names as producers read them, index 0 = C: majors with the flats of their key
 * signatures (Db Eb Ab Bb) and F#, minors with C# F# G# and the flats Eb Bb.
 */
const TONIC_NAMES: Record<Mode, readonly string[]> = {
  major: ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'],
  minor: ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'],
};

/** The contract's key name: `"F# minor"`, `"Eb major"`, `"Bb minor"` (see TONIC_NAMES). */
export function formatKey(key: MusicalKey): string {
  return `${TONIC_NAMES[key.mode][((key.tonic % 12) + 12) % 12]} ${key.mode}`;
}

/** Every key name {@link formatKey} gives, majors then minors, each from C. */
export const KEY_NAMES: readonly string[] = (['major', 'minor'] as const).flatMap((mode) =>
  TONIC_NAMES[mode].map((_, tonic) => formatKey({ tonic, mode })),
);

/** `text` as its contract key name ({@link formatKey}) when it is a key in any spelling, else null. */
export function canonicalKeyName(text: string): string | null {
  const key = parseKey(text);
  return key ? formatKey(key) : null;
}

/**
 * Parses a key written by a person or a tag: `F# minor`, `Am`, `A min`, `Gmaj`, `Bb`, `ebm`,
 * `C#-moll`, `F# Minor`, `8A` (Camelot), `Abm`. Returns null when the text is not a key.
 */
export function parseKey(text: string): MusicalKey | null {
  const trimmed = text.trim();
  const camelot = fromCamelot(trimmed);
  if (camelot) return camelot;
  const match = /^([A-Ga-g])\s*([#♯b♭]?)\s*[-_ ]?\s*(major|minor|maj|min|moll|dur|m)?$/i.exec(
    trimmed,
  );
  if (!match) return null;
  const tonic = pitchClassOf(`${match[1] ?? ''}${(match[2] ?? '').replace('♭', 'b')}`);
  if (tonic === null) return null;
  const suffix = match[3] ?? '';
  const minor = /^(minor|min|moll)$/i.test(suffix) || suffix === 'm';
  return { tonic, mode: minor ? 'minor' : 'major' };
}

// Camelot wheel: number for each major tonic (B), minor tonic is its relative minor (A).
const CAMELOT_MAJOR = [8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1];

/** Camelot code of a key: `"8A"` for A minor, `"8B"` for C major. */
export function toCamelot(key: MusicalKey): string {
  if (key.mode === 'major') return `${CAMELOT_MAJOR[key.tonic]}B`;
  const relativeMajor = (key.tonic + 3) % 12;
  return `${CAMELOT_MAJOR[relativeMajor]}A`;
}

/** Parses a Camelot code (`"8A"`, `"12b"`) or returns null. */
export function fromCamelot(text: string): MusicalKey | null {
  const match = /^(1[0-2]|[1-9])\s*([ABab])$/.exec(text.trim());
  if (!match) return null;
  const relativeMajor = CAMELOT_MAJOR.indexOf(Number(match[1]));
  if ((match[2] ?? '').toUpperCase() === 'B') return { tonic: relativeMajor, mode: 'major' };
  return { tonic: (relativeMajor + 9) % 12, mode: 'minor' };
}

/**
 * MIREX key score of an estimate against the truth: 1 exact, 0.5 perfect fifth (same mode),
 * 0.3 relative major/minor, 0.2 parallel major/minor, else 0.
 */
export function mirexKeyScore(estimate: MusicalKey, truth: MusicalKey): number {
  if (estimate.tonic === truth.tonic && estimate.mode === truth.mode) return 1;
  if (estimate.mode === truth.mode) {
    const up = (estimate.tonic - truth.tonic + 12) % 12;
    if (up === 7 || up === 5) return 0.5;
    return 0;
  }
  const relative = truth.mode === 'major' ? (truth.tonic + 9) % 12 : (truth.tonic + 3) % 12;
  if (estimate.tonic === relative) return 0.3;
  if (estimate.tonic === truth.tonic) return 0.2;
  return 0;
}
