import { parseKey, type MusicalKey } from '../music/key-names.js';
import { measureTonality, type Tonality } from './tonality.js';

/** The slice of essentia.js that key detection uses; the platform loads and injects it. */
export interface EssentiaKeyApi {
  arrayToVector(samples: Float32Array): { delete(): void };
  KeyExtractor(
    audio: unknown,
    averageDetuningCorrection: boolean,
    frameSize: number,
    hopSize: number,
    hpcpSize: number,
    maxFrequency: number,
    maximumSpectralPeaks: number,
    minFrequency: number,
    pcpThreshold: number,
    profileType: string,
    sampleRate: number,
    spectralPeaksThreshold: number,
    tuningFrequency: number,
    weightType: string,
    windowType: string,
  ): { key: string; scale: string; strength: number };
}

export interface KeyEstimate {
  /** Null when the material has no clear key (drums, noise, silence, a lone note). */
  key: MusicalKey | null;
  /** 0..1: the correlation of the pitch-class profile with the winning key profile. */
  confidence: number;
}

/**
 * Whether material whose key the extractor named with `confidence` carries a key at all
 * (thresholds chosen on three rendered libraries; `npm run bench:accuracy` measures them):
 * - a stab (a one-shot under STAB_MAX_S) is a chord: exactly two note pitch classes (a
 *   triad's root and third, its fifth being the root's third harmonic; a single note has one,
 *   a drum or bell more), a tenth of its energy in sustained peaks, and confidence 0.6;
 * - loops and tracks hold at least two notes over time (a drum loop with a tuned kick has
 *   one), and either some sustained tonal energy (4 %, drums taking the rest) with confidence
 *   0.65, or confidence 0.85 alone (pads and plucks whose partials move too fast to count as
 *   sustained).
 */
export function hasKey(tonality: Tonality, stab: boolean, confidence: number): boolean {
  const { notes, tonalRatio } = tonality;
  if (stab) return notes === 2 && tonalRatio >= 0.1 && confidence >= 0.6;
  return notes >= 2 && ((tonalRatio >= 0.04 && confidence >= 0.65) || confidence >= 0.85);
}

/** One-shots shorter than this (s) are judged as stabs by hasKey; longer ones as music. */
export const STAB_MAX_S = 4;

/**
 * A stab shorter than this (s) may also show its key over SHORT_SUSTAIN_FRAMES: a chord stab of
 * 0.3-0.5 s holds too few 46 ms frames for its partials to last the usual span in most of them,
 * and hasKey left 21 of the 38 chord stabs under 0.8 s of three rendered libraries without a key.
 */
export const SHORT_STAB_S = 0.8;

/** Frames a partial must last in a short stab's second reading (~0.09 s). */
const SHORT_SUSTAIN_FRAMES = 2;

/**
 * Whether a short stab, its tonality read over SHORT_SUSTAIN_FRAMES, is a chord: two note
 * pitch classes, each with a harmonic of its own among the peaks (over so short a span a
 * drum's ringing modes count as sustained too, but they are not harmonics of each other), half
 * of its energy in sustained peaks, and confidence 0.7. On three rendered libraries it named
 * 11 more chord stabs (all exactly) and gave no keyless file a key (`npm run bench:accuracy`).
 */
export function shortStabHasKey(tonality: Tonality, confidence: number): boolean {
  const { notes, harmonicNotes, tonalRatio } = tonality;
  return notes === 2 && harmonicNotes >= 2 && tonalRatio >= 0.5 && confidence >= 0.7;
}

/** Key is read from at most this many seconds, taken from the middle of longer material. */
export const KEY_WINDOW_S = 60;

/**
 * essentia's key profile in use: its default, 'bgate', named the exact key of 633 of the 664
 * tonal files of three rendered libraries (95.3 %), 'temperley' 629, in a study over their
 * middle minute (BENCHMARKS.md); `npm run bench:key-profiles -- LIBRARY/labels.json` compares
 * every profile on a library's files, from their first minute.
 */
export const KEY_PROFILE = 'bgate';

/**
 * KeyExtractor's frame (and hop) in samples: the 4096 of essentia's default at 44.1 kHz, about
 * 93 ms, as the power of two nearest at `sampleRate` (1024 at 11,025 Hz). Frames four times
 * longer (4096 at the analysis rate) named up to 6 points fewer exact keys on those libraries.
 */
export function keyFrameSize(sampleRate: number): number {
  return 2 ** Math.round(Math.log2((4096 * sampleRate) / 44100));
}

/**
 * Runs essentia's KeyExtractor (keyFrameSize frames and hop, 12-bin HPCP) with `profile` over
 * all of `audio`: the key it names, or null, and its strength clamped to 0..1. Throws what
 * essentia throws; the caller catches.
 */
export function extractKey(
  audio: Float32Array,
  sampleRate: number,
  essentia: EssentiaKeyApi,
  profile: string,
): KeyEstimate {
  const vector = essentia.arrayToVector(audio);
  const frame = keyFrameSize(sampleRate);
  try {
    const result = essentia.KeyExtractor(
      vector,
      true,
      frame,
      frame,
      12,
      3500,
      60,
      25,
      0.2,
      profile,
      sampleRate,
      0.0001,
      440,
      'cosine',
      'hann',
    );
    const confidence = Number.isFinite(result.strength)
      ? Math.max(0, Math.min(1, result.strength))
      : 0;
    return { key: parseKey(`${result.key} ${result.scale}`), confidence };
  } finally {
    vector.delete();
  }
}

/**
 * Estimates the key of mono PCM from a centred window of KEY_WINDOW_S of longer material with
 * essentia's KeyExtractor and KEY_PROFILE, when hasKey (or, for a stab under SHORT_STAB_S,
 * shortStabHasKey) says the material carries one (no key otherwise, with the extractor's
 * confidence). Material of fewer than two notes is not submitted to the extractor. Never
 * throws: an essentia failure is reported as no key.
 */
export function estimateKey(
  samples: Float32Array,
  sampleRate: number,
  essentia: EssentiaKeyApi,
  stab: boolean,
): KeyEstimate {
  const windowFrames = Math.round(KEY_WINDOW_S * sampleRate);
  const start = Math.max(0, Math.floor((samples.length - windowFrames) / 2));
  const audio = samples.subarray(start, start + windowFrames);
  if (audio.length < 2048) return { key: null, confidence: 0 };
  const tonality = measureTonality(audio, sampleRate);
  const short =
    stab && audio.length < SHORT_STAB_S * sampleRate
      ? measureTonality(audio, sampleRate, SHORT_SUSTAIN_FRAMES)
      : null;
  if (tonality.notes < 2 && (short?.notes ?? 0) < 2) return { key: null, confidence: 0 };
  try {
    const { key, confidence } = extractKey(audio, sampleRate, essentia, KEY_PROFILE);
    const keyed =
      hasKey(tonality, stab, confidence) || (short !== null && shortStabHasKey(short, confidence));
    return key && keyed ? { key, confidence } : { key: null, confidence };
  } catch {
    return { key: null, confidence: 0 };
  }
}
