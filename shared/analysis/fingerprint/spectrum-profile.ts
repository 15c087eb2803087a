import { createPowerSpectrum, nearestPowerOfTwo } from '../power-spectrum.js';
import type { TrimmedRegion } from './trim.js';

/** Lowest profile bin centre in Hz. */
const PROFILE_LOW_HZ = 50;
/** Bins per octave: quarter tones, so a one-semitone shift moves every partial by two bins. */
const PROFILE_BINS_PER_OCTAVE = 24;
/** Number of profile bins: 50 Hz to ~4.8 kHz. */
export const PROFILE_BINS = 159;
/** FFT window in seconds (2048 samples at 11025 Hz: 5.4 Hz bins). */
const WINDOW_S = 0.186;
/** At most this many FFT frames are averaged, spread evenly over the sound. */
const MAX_FRAMES = 160;

/** Centre frequency in Hz of profile bin `i`. */
export function profileBinHz(i: number): number {
  return PROFILE_LOW_HZ * 2 ** (i / PROFILE_BINS_PER_OCTAVE);
}

/**
 * The long-term power spectrum of the trimmed sound on a quarter-tone frequency grid
 * ({@link PROFILE_BINS} linear powers, 50 Hz to 4.8 kHz). A fine frequency resolution makes
 * a pitch shift of one semitone of harmonic material show, which the time-frequency matrix
 * (third octaves) cannot. Each bin is the mean of the FFT bins inside it, or the spectrum
 * interpolated at its centre where it is narrower than an FFT bin.
 */
export function computeSpectrumProfile(
  samples: Float32Array,
  sampleRate: number,
  region: TrimmedRegion,
): Float64Array {
  const size = nearestPowerOfTwo(WINDOW_S * sampleRate);
  const length = region.endSample - region.startSample;
  const frames = Math.min(MAX_FRAMES, Math.max(1, Math.round(length / (size / 2))));
  const spectrum = createPowerSpectrum(size, true);
  const power = new Float64Array(size / 2 + 1);
  const mean = new Float64Array(size / 2 + 1);
  for (let j = 0; j < frames; j++) {
    const centre = region.startSample + ((j + 0.5) * length) / frames;
    spectrum.compute(samples, Math.round(centre - size / 2), power);
    for (let k = 0; k < power.length; k++) mean[k]! += power[k]!;
  }
  const binHz = sampleRate / size;
  const profile = new Float64Array(PROFILE_BINS);
  const halfBin = 2 ** (1 / (2 * PROFILE_BINS_PER_OCTAVE));
  for (let i = 0; i < PROFILE_BINS; i++) {
    const hz = profileBinHz(i);
    const lo = Math.ceil(hz / halfBin / binHz);
    const hi = Math.min(size / 2, Math.floor((hz * halfBin) / binHz));
    if (hi >= lo) {
      let sum = 0;
      for (let k = lo; k <= hi; k++) sum += mean[k]!;
      profile[i] = sum / (hi - lo + 1);
    } else {
      const x = Math.min(size / 2 - 1, hz / binHz);
      const k = Math.floor(x);
      profile[i] = mean[k]! + (mean[k + 1]! - mean[k]!) * (x - k);
    }
  }
  return profile;
}
