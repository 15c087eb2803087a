import {
  addBandPowers,
  bandOfBins,
  createPowerSpectrum,
  nearestPowerOfTwo,
} from '../power-spectrum.js';
import type { TrimmedRegion } from './trim.js';

/** Band edges in Hz of the time-frequency matrix: one FFT bin each below ~200 Hz, then third octaves. */
export const MATRIX_BAND_EDGES_HZ = [
  30, 65, 108, 151, 194, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000,
  4800,
] as const;
export const MATRIX_BANDS = MATRIX_BAND_EDGES_HZ.length - 1;
/** Frame count cap: longer sounds use longer frames (powers of two of the base frame). */
export const MAX_MATRIX_FRAMES = 256;
/** FFT window of the matrix in seconds (256 samples at 11025 Hz). */
const WINDOW_S = 0.0232;

/** Band powers over time: `frames` rows of {@link MATRIX_BANDS} linear powers, row-major. */
export interface BandMatrix {
  /** log2 of the frame length in base frames (half an FFT window, 11.6 ms at 11025 Hz). */
  level: number;
  frames: number;
  powers: Float64Array;
}

/** Length in seconds of one base frame (the finest matrix resolution) at `sampleRate` Hz. */
export function baseFrameS(sampleRate: number): number {
  return nearestPowerOfTwo(WINDOW_S * sampleRate) / 2 / sampleRate;
}

/**
 * Mean band powers of the trimmed sound in frames of 2^level base frames, anchored at the
 * trimmed start; `level` is the smallest that keeps the frame count ≤ {@link MAX_MATRIX_FRAMES}.
 * Each frame pools Hann-windowed FFTs whose centres fall inside it (two per frame at level 0,
 * one every base frame above), reading real samples around the region's edges.
 */
export function computeBandMatrix(
  samples: Float32Array,
  sampleRate: number,
  region: TrimmedRegion,
): BandMatrix {
  const size = nearestPowerOfTwo(WINDOW_S * sampleRate);
  const base = size / 2;
  const length = region.endSample - region.startSample;
  let level = 0;
  while (Math.ceil(length / (base << level)) > MAX_MATRIX_FRAMES) level++;
  const frameLength = base << level;
  const frames = Math.max(1, Math.ceil(length / frameLength));
  const hop = level === 0 ? base / 2 : level === 1 ? base : 2 * base;
  const perFrame = frameLength / hop;

  const bandOfBin = bandOfBins(MATRIX_BAND_EDGES_HZ, size, sampleRate);
  const spectrum = createPowerSpectrum(size, true);
  const power = new Float64Array(size / 2 + 1);
  const powers = new Float64Array(frames * MATRIX_BANDS);
  for (let t = 0; t < frames; t++) {
    const row = t * MATRIX_BANDS;
    for (let j = 0; j < perFrame; j++) {
      const centre = region.startSample + t * frameLength + j * hop + hop / 2;
      spectrum.compute(samples, Math.round(centre - size / 2), power);
      addBandPowers(power, bandOfBin, powers, row);
    }
    for (let b = 0; b < MATRIX_BANDS; b++) powers[row + b]! /= perFrame;
  }
  return { level, frames, powers };
}
