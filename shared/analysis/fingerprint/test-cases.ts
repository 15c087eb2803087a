import { groove } from './test-arrangements.js';
import { hat, kick, note, pad, snare } from './test-signals.js';
import { resampleSinc } from './test-transforms.js';

const SEMITONE = 2 ** (1 / 12);
type Make = (sampleRate: number) => Float32Array;

/** A synthetic sound with known truth: its source rate, and versions that are other sounds. */
export interface SoundCase {
  name: string;
  sourceRate: number;
  make: Make;
  nearMisses: Record<string, Make>;
  /**
   * Other recordings of the same hit (another noise realisation: a round robin): alike in level
   * envelope and spectrum, so `similar`, never the `same`.
   */
  otherRecordings?: Record<string, Make>;
}

const repitch =
  (make: Make): Make =>
  (sr) =>
    resampleSinc(make(sr), sr, sr / SEMITONE);
const mix = { withBass: true, withChords: true };

/** One-shots of 0.1-3 s, a drum loop, a four-bar mix and a 60 s "track". */
export const SOUND_CASES: SoundCase[] = [
  {
    name: 'kick',
    sourceRate: 44100,
    make: (sr) => kick(sr),
    nearMisses: {
      'pitch +1 semitone (resampled)': repitch((sr) => kick(sr)),
      'pitch +1 semitone (same length)': (sr) => kick(sr, { pitch: SEMITONE }),
      'shorter decay': (sr) => kick(sr, { decayS: 0.12 }),
      'a snare instead': (sr) => snare(sr),
    },
  },
  {
    name: 'snare',
    sourceRate: 44100,
    make: (sr) => snare(sr),
    nearMisses: {
      'body +1 semitone': (sr) => snare(sr, 2, 185 * SEMITONE),
      'pitch +1 semitone (resampled)': repitch((sr) => snare(sr)),
    },
    otherRecordings: {
      'another strike': (sr) => snare(sr, 5),
      'another strike, 1 dB softer': (sr) => snare(sr, 6).map((x) => x * 0.89),
    },
  },
  {
    name: 'hat',
    sourceRate: 44100,
    make: (sr) => hat(sr),
    nearMisses: {
      'longer decay': (sr) => hat(sr, 3, 0.035),
      'pitch +1 semitone (resampled)': repitch((sr) => hat(sr)),
    },
    otherRecordings: {
      'another strike': (sr) => hat(sr, 4),
    },
  },
  {
    name: 'plucked note',
    sourceRate: 44100,
    make: (sr) => note(sr),
    nearMisses: {
      'pitch +1 semitone': (sr) => note(sr, { f0: 220 * SEMITONE }),
      'softer velocity (darker)': (sr) => note(sr, { velocity: 0.6 }),
      'shorter decay': (sr) => note(sr, { decayS: 0.5 }),
      'another instrument': (sr) => note(sr, { timbre: 'organ' }),
    },
  },
  {
    name: 'chord pad',
    sourceRate: 44100,
    make: (sr) => pad(sr),
    nearMisses: {
      'pitch +1 semitone': (sr) =>
        pad(
          sr,
          [220, 277.18, 329.63].map((f) => f * SEMITONE),
        ),
      'minor instead of major': (sr) => pad(sr, [220, 261.63, 329.63]),
    },
  },
  {
    name: 'drum loop',
    sourceRate: 44100,
    make: (sr) => groove(sr, { bars: 2 }),
    nearMisses: {
      'tempo +3 %': (sr) => groove(sr, { bars: 2, bpm: 123.6 }),
      'tempo +2 %': (sr) => groove(sr, { bars: 2, bpm: 122.4 }),
      'second bar changed': (sr) => groove(sr, { bars: 2, changedBar: 1 }),
      'hats +6 dB': (sr) => groove(sr, { bars: 2, hatDb: 6 }),
    },
  },
  {
    name: 'four-bar mix',
    sourceRate: 22050,
    make: (sr) => groove(sr, { bars: 4, ...mix }),
    nearMisses: {
      'bass +6 dB': (sr) => groove(sr, { bars: 4, ...mix, bassDb: 6 }),
      'third bar changed': (sr) => groove(sr, { bars: 4, ...mix, changedBar: 2 }),
      'tempo +3 %': (sr) => groove(sr, { bars: 4, ...mix, bpm: 123.6 }),
    },
  },
  {
    name: '60 s track',
    sourceRate: 22050,
    make: (sr) => groove(sr, { bars: 30, ...mix }),
    nearMisses: {
      'bass +6 dB': (sr) => groove(sr, { bars: 30, ...mix, bassDb: 6 }),
      'bar 17 changed': (sr) => groove(sr, { bars: 30, ...mix, changedBar: 16 }),
      'tempo +3 %': (sr) => groove(sr, { bars: 30, ...mix, bpm: 123.6 }),
    },
  },
];
