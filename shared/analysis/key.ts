import { parseKey, type MusicalKey } from '../music/key-names.js';
import { hasKey, type GateShape } from './key-gate.js';
import type { SoundKind } from './kind.js';
import { measureTonality, SUSTAIN_FRAMES, tonalityFrames } from './tonality.js';

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

/** One-shots shorter than this (s) are weighed as stabs by the key gate; longer ones as held. */
export const STAB_MAX_S = 4;

/**
 * Which of the key gate's models weighs a sound (GateShape): one-shots by their length
 * (STAB_MAX_S), loops and tracks as music. Pure.
 */
export function gateShape(kind: SoundKind, durationS: number): GateShape {
  if (kind !== 'oneshot') return 'music';
  return durationS < STAB_MAX_S ? 'stab' : 'held';
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
 * all of `audio`, its semitones centred `tuningCents` from A = 440 Hz: the key it names, or
 * null, and its strength clamped to 0..1. Throws what essentia throws; the caller catches.
 */
export function extractKey(
  audio: Float32Array,
  sampleRate: number,
  essentia: EssentiaKeyApi,
  profile: string,
  tuningCents = 0,
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
      440 * 2 ** (tuningCents / 1200),
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
 * How long a partial must last for the key gate to count it: SUSTAIN_FRAMES, or every frame of
 * a sound too short to hold that many (a chord stab under 0.28 s), at least two. With five, a
 * 0.26 s stab read as no notes at all and was left keyless, whatever its chord: on three
 * rendered libraries (seeds 61, 68 and 71), the whole span named 2 of 2 such stabs' keys and
 * gave none of 245 drum hits and effects as short a key. Pure.
 */
function keySustainFrames(length: number): number {
  return Math.max(2, Math.min(SUSTAIN_FRAMES, tonalityFrames(length)));
}

/**
 * Estimates the key of mono PCM from a centred window of KEY_WINDOW_S of longer material with
 * essentia's KeyExtractor and KEY_PROFILE, when the key gate (hasKey, key-gate.ts) says the
 * material carries it (no key otherwise, with the extractor's confidence). Never throws: an
 * essentia failure is reported as no key.
 */
export function estimateKey(
  samples: Float32Array,
  sampleRate: number,
  essentia: EssentiaKeyApi,
  shape: GateShape,
): KeyEstimate {
  const windowFrames = Math.round(KEY_WINDOW_S * sampleRate);
  const start = Math.max(0, Math.floor((samples.length - windowFrames) / 2));
  const audio = samples.subarray(start, start + windowFrames);
  if (audio.length < 2048) return { key: null, confidence: 0 };
  try {
    // The tonality first: music tuned away from A = 440 Hz is read against its own tuning, by
    // the gate and the extractor alike (rendered loops and tracks played 45 cents sharp kept
    // their key 22-27 times in 60 at A = 440, 49-52 against their tuning: bench:detuned).
    // One-shots are read at A = 440: the tuning a drum's few partials give is arbitrary, and
    // the stab and held models were fitted at concert pitch.
    const retune = shape === 'music';
    const tonality = measureTonality(audio, sampleRate, keySustainFrames(audio.length), retune);
    const { key, confidence } = extractKey(
      audio,
      sampleRate,
      essentia,
      KEY_PROFILE,
      tonality.referenceCents,
    );
    if (!key) return { key: null, confidence };
    const durationS = samples.length / sampleRate;
    return hasKey({ key, confidence, tonality, durationS, shape })
      ? { key, confidence }
      : { key: null, confidence };
  } catch {
    return { key: null, confidence: 0 };
  }
}
