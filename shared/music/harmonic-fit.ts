import { formatKey, fromCamelot, parseKey, toCamelot, type MusicalKey } from './key-names.js';

/**
 * Harmonic search: which keys and tempos fit a sound's, as a producer layering loops hears it.
 * Pure rules, shared by the server (which filters the library by them) and the web app (which
 * shows what a "Fits with this" filter means).
 */

/**
 * Default tempo tolerance, ± percent. 4 % lets a 120 BPM loop meet 115.2–124.8 BPM: a stretch
 * any time-stretcher does without audible smearing (about ± 0.7 semitone if repitched), and
 * wide enough for a tempo read 1–2 BPM off; wider starts to bring in a different groove.
 */
export const DEFAULT_TEMPO_TOLERANCE_PCT = 4;
/** The widest tolerance a caller may ask for, ± percent. */
export const MAX_TEMPO_TOLERANCE_PCT = 25;

/**
 * The keys that fit `key` on the Camelot wheel, the key itself first: its relative (same number,
 * other letter: A minor ↔ C major), then its neighbours one step down and up on the same letter
 * (8A → 7A, 9A), the wheel wrapping 12 ↔ 1.
 */
export function fittingKeys(key: MusicalKey): MusicalKey[] {
  const code = toCamelot(key);
  const number = Number(code.slice(0, -1));
  const letter = code.slice(-1);
  const step = (by: number) => ((number - 1 + by + 12) % 12) + 1;
  return [
    `${number}${letter}`,
    `${number}${letter === 'A' ? 'B' : 'A'}`,
    `${step(-1)}${letter}`,
    `${step(1)}${letter}`,
  ].map((c) => fromCamelot(c)!);
}

/** {@link fittingKeys} by name: the contract names ({@link formatKey}) of the keys that fit `name`, or null when it is not a key. */
export function fittingKeyNames(name: string): string[] | null {
  const key = parseKey(name);
  return key ? fittingKeys(key).map(formatKey) : null;
}

/** A tempo range in BPM, both ends inclusive. */
export type BpmRange = [min: number, max: number];

// To 0.01 BPM, outwards, once float noise (120 × 0.96 = 115.19999…) is rounded off.
const down2 = (x: number) => Math.floor(Math.round(x * 1e6) / 1e4) / 100;
const up2 = (x: number) => Math.ceil(Math.round(x * 1e6) / 1e4) / 100;

/**
 * The tempo ranges that fit `bpm` within ± `tolerancePct` percent, at half time, the tempo
 * itself and double time, slowest first (90 BPM at 4 %: 43.2–46.8, 86.4–93.6, 172.8–187.2).
 * Ends are rounded to 0.01 BPM, outwards.
 */
export function fittingTempoRanges(
  bpm: number,
  tolerancePct: number = DEFAULT_TEMPO_TOLERANCE_PCT,
): BpmRange[] {
  if (!(bpm > 0) || !Number.isFinite(bpm)) throw new RangeError(`tempo ${bpm} is not positive`);
  if (!(tolerancePct >= 0 && tolerancePct <= MAX_TEMPO_TOLERANCE_PCT)) {
    throw new RangeError(`tolerance ${tolerancePct} % is not within 0–${MAX_TEMPO_TOLERANCE_PCT}`);
  }
  const p = tolerancePct / 100;
  return [bpm / 2, bpm, bpm * 2].map((at): BpmRange => [down2(at * (1 - p)), up2(at * (1 + p))]);
}

/** What a sound fits with: keys (any of them) and tempo ranges (any of them); null = no condition. */
export interface HarmonicFit {
  /** The Camelot code of the sound's key (`"8A"`), or null when it has none. */
  camelot: string | null;
  /** Contract key names that fit, or null when the sound has no key (any key then fits). */
  keys: string[] | null;
  /** Tempo ranges that fit, or null when the sound has no tempo (any tempo then fits). */
  bpm_ranges: BpmRange[] | null;
}

/**
 * What fits a sound with this key (a name in any spelling, or null) and tempo (or null): each
 * condition only for what the sound has. A key that does not parse counts as none.
 */
export function harmonicFit(
  sound: { key: string | null; bpm: number | null },
  tolerancePct: number = DEFAULT_TEMPO_TOLERANCE_PCT,
): HarmonicFit {
  const key = sound.key === null ? null : parseKey(sound.key);
  return {
    camelot: key ? toCamelot(key) : null,
    keys: key ? fittingKeys(key).map(formatKey) : null,
    bpm_ranges:
      sound.bpm !== null && sound.bpm > 0 ? fittingTempoRanges(sound.bpm, tolerancePct) : null,
  };
}

/** `range` as a producer reads it: `"115.2–124.8"`. */
export function formatBpmRange([min, max]: BpmRange): string {
  return `${min}–${max}`;
}
