import FFT from 'fft.js';

/** A reusable real-input power-spectrum transform of one size with a Hann window. */
export interface PowerSpectrum {
  readonly size: number;
  /**
   * Writes |X[k]|² for k = 0..size/2 into `out` (length size/2 + 1) for the Hann-windowed
   * frame of `size` samples of `samples` starting at `start` (zeros outside the array).
   */
  compute(samples: Float32Array, start: number, out: Float64Array): void;
}

/**
 * A Hann-windowed power-spectrum transform of `size` samples (a power of two ≥ 4).
 * @throws Error from fft.js when `size` is not a power of two.
 */
export function createPowerSpectrum(size: number): PowerSpectrum {
  const fft = new FFT(size);
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const frame = new Float64Array(size);
  const spectrum = new Float64Array(2 * size);
  return {
    size,
    compute(samples, start, out) {
      for (let i = 0; i < size; i++) {
        const j = start + i;
        frame[i] = j >= 0 && j < samples.length ? samples[j]! * window[i]! : 0;
      }
      fft.realTransform(spectrum, frame);
      for (let k = 0; k <= size / 2; k++) {
        const re = spectrum[2 * k]!;
        const im = spectrum[2 * k + 1]!;
        out[k] = re * re + im * im;
      }
    },
  };
}

/** The power of two nearest (in log terms) to `n`, at least 4. */
export function nearestPowerOfTwo(n: number): number {
  return Math.max(4, 2 ** Math.round(Math.log2(Math.max(1, n))));
}
