import { parseKey, type MusicalKey } from '../music/key-names.js';
import type { Tonality } from './tonality.js';

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

/** Below this correlation the material is reported as having no key. */
export const MIN_KEY_CONFIDENCE = 0.5;

/**
 * Whether material carries a key at all: at least three sustained pitch classes (a chord, or
 * a line over time), and a share of sustained tonal energy: any for loops and tracks, whose
 * drums take most of the energy, but most of it for one-shots, so that drums, a single note
 * or a noise hit report no key while a chord stab does.
 */
export function hasKey(tonality: Tonality, oneShot: boolean): boolean {
  return tonality.pitchClasses >= 3 && tonality.tonalRatio >= (oneShot ? 0.5 : 0.04);
}

/** Key is read from at most this many seconds, taken from the middle of longer material. */
export const KEY_WINDOW_S = 60;

/**
 * essentia's key profile in use: Temperley's read the labelled fixtures 41 of 41 right where
 * EDMA confused relative and parallel modes 4 times (`npm run bench:key-profiles`).
 */
export const KEY_PROFILE = 'temperley';

/**
 * Runs essentia's KeyExtractor (4096-sample frames and hop, 12-bin HPCP) with `profile` over
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
  try {
    const result = essentia.KeyExtractor(
      vector,
      true,
      4096,
      4096,
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
 * Estimates the key of mono PCM with essentia's KeyExtractor and KEY_PROFILE, from a centred
 * window of KEY_WINDOW_S of longer material; below MIN_KEY_CONFIDENCE there is no key.
 * Never throws: an essentia failure is reported as no key.
 */
export function estimateKey(
  samples: Float32Array,
  sampleRate: number,
  essentia: EssentiaKeyApi,
): KeyEstimate {
  const windowFrames = Math.round(KEY_WINDOW_S * sampleRate);
  const start = Math.max(0, Math.floor((samples.length - windowFrames) / 2));
  const audio = samples.subarray(start, start + windowFrames);
  if (audio.length < 2048) return { key: null, confidence: 0 };
  try {
    const { key, confidence } = extractKey(audio, sampleRate, essentia, KEY_PROFILE);
    return key && confidence >= MIN_KEY_CONFIDENCE
      ? { key, confidence }
      : { key: null, confidence };
  } catch {
    return { key: null, confidence: 0 };
  }
}
