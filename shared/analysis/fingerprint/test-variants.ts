import { addNoise, gain, lowpass, padSilence, resampleSinc } from './test-transforms.js';

/** The analysis rate the pipeline hands to the fingerprint. */
export const RATE = 11025;

/** A transform from a source at `sampleRate` Hz to what the pipeline would decode at {@link RATE}. */
export type Variant = (x: Float32Array, sampleRate: number) => Float32Array;

const toRate = (x: Float32Array, sampleRate: number): Float32Array =>
  resampleSinc(x, sampleRate, RATE);
const via48k: Variant = (x, sr) => resampleSinc(resampleSinc(x, sr, 48000), 48000, RATE);

/** The plain decode of a source: resampled to {@link RATE}. */
export const original: Variant = toRate;

/** Transforms that keep the sound the same: gain, resampling, silence, codec-like noise, offset. */
export const SAME_SOUND_VARIANTS: Record<string, Variant> = {
  'gain +6 dB': (x, sr) => toRate(gain(x, 6), sr),
  'gain -6 dB': (x, sr) => toRate(gain(x, -6), sr),
  'gain +3 dB via 48 kHz': (x, sr) => via48k(gain(x, 3), sr),
  'gain -3 dB': (x, sr) => toRate(gain(x, -3), sr),
  '0.3 s silence before, 0.5 s after': (x, sr) => toRate(padSilence(x, sr, 0.3, 0.5), sr),
  '0.5 s silence before, 0.3 s after, noise -45 dB': (x, sr) =>
    toRate(addNoise(padSilence(x, sr, 0.5, 0.3), -45), sr),
  'lowpass 10 kHz and noise -45 dB': (x, sr) => toRate(addNoise(lowpass(x, sr, 10000), -45), sr),
  '5 ms offset': (x, sr) => toRate(padSilence(x, sr, 0.005, 0), sr),
  'all at once': (x, sr) =>
    via48k(addNoise(lowpass(padSilence(gain(x, -3), sr, 0.505, 0.5), sr, 10000), -45), sr),
};
