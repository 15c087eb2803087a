import type { MusicalKey } from '../music/key-names.js';
import type { Tonality } from './tonality.js';

/** What the key gate weighs: the extractor's answer and what the tonality says of the sound. */
export interface KeyEvidence {
  /** The key the extractor named, and the strength it gave it (0..1). */
  key: MusicalKey;
  confidence: number;
  tonality: Tonality;
  /** Length of the whole file, seconds. */
  durationS: number;
  /** Which model weighs the evidence (GateShape). */
  shape: GateShape;
}

/**
 * What kind of sound the key gate weighs, each with a model of its own: a one-shot under
 * STAB_MAX_S (`stab`: a lone note or a ringing drum is its usual impostor), a longer one-shot
 * (`held`: a held note, a ringing cymbal, a chord or pad held for seconds) and loops and tracks
 * (`music`: a drum loop with a tuned kick its usual impostor).
 */
export type GateShape = 'stab' | 'held' | 'music';

const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];
const MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10];

/** Notes beyond this count weigh as this many (drums and bells read as many). */
const NOTES_CAP = 6;

/**
 * The gate's reading of a sound, in the weights' order: log duration; whether it holds 0, 1, 2
 * or 3+ notes, and how many (capped); the share of its notes with a harmonic of their own among
 * the peaks; its tonal share and that share's square root; the extractor's strength; how much
 * of the sustained pitch energy lies on the named key's scale and on its tonic triad (a chord
 * loop's lies on its scale, a tuned drum's rarely does); and the share on the triad's third, and
 * its square root (a held chord sounds its third as loudly as its root, a held note only as a
 * faint fifth harmonic, and its count of notes cannot tell them apart when the chord's third
 * lies where a harmonic of its root would). Pure.
 */
export function keyGateFeatures(evidence: KeyEvidence): number[] {
  const { key, confidence, tonality, durationS } = evidence;
  const notes = Math.min(tonality.notes, NOTES_CAP);
  const share = (steps: readonly number[]) =>
    steps.reduce((sum, step) => sum + (tonality.pitchClasses[(key.tonic + step) % 12] ?? 0), 0);
  const minor = key.mode === 'minor';
  return [
    Math.log(Math.max(durationS, 1e-3)),
    notes === 0 ? 1 : 0,
    notes === 1 ? 1 : 0,
    notes === 2 ? 1 : 0,
    notes >= 3 ? 1 : 0,
    notes,
    tonality.harmonicNotes / Math.max(notes, 1),
    tonality.tonalRatio,
    Math.sqrt(tonality.tonalRatio),
    confidence,
    share(minor ? MINOR_SCALE : MAJOR_SCALE),
    share(minor ? [0, 3, 7] : [0, 4, 7]),
    share([minor ? 3 : 4]),
    Math.sqrt(share([minor ? 3 : 4])),
  ];
}

/**
 * Logistic weights (bias first, then keyGateFeatures' order) for each GateShape, fitted by
 * L2-regularised logistic regression (BENCHMARKS.md, "Key: one-shots held for seconds"), the
 * label being whether the file has a key:
 * - `music`: 4,557 files of five rendered libraries (seeds 61, 62, 65 wide, 68 and 71: FluidR3,
 *   MuseScore and TimGM6mb; drum, chord, bass and lead loops, tracks). It does not weigh the
 *   third (0): that column came later, and added nothing there.
 * - `stab`: the one-shots under 4 s of four rendered libraries (seeds 61, 62, 68 and 71, 800
 *   files each) and the samples of the even-numbered Hydrogen kits (real drums, cymbals and
 *   percussion): 2,051 sounds the extractor named a key for.
 * - `held`: 213 one-shots of 4 s or more: chords and single notes held 4.5-9 s on the
 *   development programs of `npm run bench:held-oneshots` (three soundfonts), the long samples
 *   of the even-numbered Hydrogen kits (ringing cymbals, open hats, bells) and the long
 *   one-shots of those libraries. The music model had given most held notes and ringing
 *   cymbals a key; the stab model took the key from a third of the held chords.
 */
const WEIGHTS: Record<GateShape, readonly number[]> = {
  stab: [
    -28.7974, 0.0076, 0, -2.885, 2.1776, 1.2832, 0.0915, 1.3529, -3.3939, 6.2071, 11.3365, 13.3669,
    0.942, -6.6653, 8.3539,
  ],
  held: [
    -12.7909, -0.139, 0, -0.6732, 0.9005, -0.3496, 0.1023, 0.8852, 0.4368, 1.2781, 8.6581, 2.1505,
    1.1779, 1.3633, 4.2381,
  ],
  music: [
    -13.9341, 0.1136, 0, -4.6613, 0.0234, 1.4547, -0.2921, 2.7356, -4.9701, 18.5068, 10.7853,
    1.6645, -1.3269, 0, 0,
  ],
};

/** Probability that the sound carries the key the extractor named, or any key. Pure. */
export function keyProbability(evidence: KeyEvidence): number {
  const weights = WEIGHTS[evidence.shape];
  const z = keyGateFeatures(evidence).reduce((sum, x, i) => sum + x * weights[i + 1]!, weights[0]!);
  return 1 / (1 + Math.exp(-z));
}

/**
 * A key is reported when keyProbability reaches this. At 0.5, leaving one library out of the
 * fit at a time, the gate kept 98.9 % of keyless files keyless and named 92.2 % of tonal files'
 * keys exactly (the hand-set thresholds before it: 98.6 % and 90.2 %).
 */
export const KEY_GATE = 0.5;

/** Whether the sound carries a key: keyProbability reaches KEY_GATE. Pure. */
export function hasKey(evidence: KeyEvidence): boolean {
  return keyProbability(evidence) >= KEY_GATE;
}
