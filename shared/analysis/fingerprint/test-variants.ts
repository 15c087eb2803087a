import { createPcmAccumulator } from '../pcm-accumulator.js';
import { computeFingerprint } from './compute.js';
import type { Fingerprint } from './fingerprint-types.js';
import { fingerprintIndexKeys } from './index-keys.js';
import { snare } from './test-signals.js';
import { addNoise, gain, lowpass, padSilence, resampleSinc } from './test-transforms.js';

/** The analysis rate the pipeline hands to the fingerprint. */
export const RATE = 11025;

/** Decoded mono PCM at its own rate, as a decoder hands it to the analysis. */
export interface Pcm {
  samples: Float32Array;
  rate: number;
}

/** A transform of a source at `sampleRate` Hz into what a decoder would give of a copy. */
export type Variant = (x: Float32Array, sampleRate: number) => Pcm;

const via48k = (x: Float32Array, sr: number): Pcm => ({
  samples: resampleSinc(x, sr, 48000),
  rate: 48000,
});

/** The plain decode of a source. */
export const original: Variant = (samples, rate) => ({ samples, rate });

/**
 * The fingerprint the pipeline computes of decoded PCM: through the same accumulator as every
 * decoder (analysis-rate PCM and the detail excerpt's rate).
 * @throws Error when the sound is silent.
 */
export function fingerprintOfPcm({ samples, rate }: Pcm): Fingerprint {
  const accumulator = createPcmAccumulator(rate, 1);
  accumulator.push([samples]);
  const { canonical } = accumulator.finish();
  const fp = computeFingerprint(canonical.samples, canonical.sampleRate, canonical.detail);
  if (!fp) throw new Error('expected a fingerprint, got null (silent)');
  return fp;
}

/** Transforms that keep the sound the same: gain, resampling, silence, codec-like noise, offset. */
export const SAME_SOUND_VARIANTS: Record<string, Variant> = {
  'gain +6 dB': (x, sr) => original(gain(x, 6), sr),
  'gain -6 dB': (x, sr) => original(gain(x, -6), sr),
  'gain +3 dB via 48 kHz': (x, sr) => via48k(gain(x, 3), sr),
  'gain -3 dB': (x, sr) => original(gain(x, -3), sr),
  '0.3 s silence before, 0.5 s after': (x, sr) => original(padSilence(x, sr, 0.3, 0.5), sr),
  '0.5 s silence before, 0.3 s after, noise -45 dB': (x, sr) =>
    original(addNoise(padSilence(x, sr, 0.5, 0.3), -45), sr),
  'lowpass 10 kHz and noise -45 dB': (x, sr) => original(addNoise(lowpass(x, sr, 10000), -45), sr),
  '5 ms offset': (x, sr) => original(padSilence(x, sr, 0.005, 0), sr),
  'all at once': (x, sr) =>
    via48k(addNoise(lowpass(padSilence(gain(x, -3), sr, 0.505, 0.5), sr, 10000), -45), sr),
};

/**
 * Snares of other noise seeds than 1 (other recordings of one drum: similar, never the same
 * sound) that share every index key with `copy`, as a folder of round robins can: to shared
 * keys alone, each looks as close to `copy` as its original.
 * @throws Error when the first 2,000 seeds hold fewer than `count`.
 */
export function snaresSharingEveryKey(copy: Fingerprint, count: number): Fingerprint[] {
  const keys = new Set(fingerprintIndexKeys(copy));
  const found: Fingerprint[] = [];
  for (let seed = 2; found.length < count; seed++) {
    if (seed > 2000) throw new Error(`only ${found.length} snares share every key`);
    const other = fingerprintOfPcm({ samples: snare(RATE, seed), rate: RATE });
    if (fingerprintIndexKeys(other).every((k) => keys.has(k))) found.push(other);
  }
  return found;
}
