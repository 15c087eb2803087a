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
 * The transform as a class, not closures: its `compute` is one function for every instance, so
 * the optimised code of a caller that inlines it stays valid from one call (file) to the next
 * instead of being dropped with each call's closure and recompiled.
 */
class HannPowerSpectrum implements PowerSpectrum {
  readonly size: number;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;

  constructor(
    size: number,
    private readonly removeMean: boolean,
  ) {
    this.size = size;
    this.fft = new FFT(size);
    this.window = new Float64Array(size);
    for (let i = 0; i < size; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
    this.frame = new Float64Array(size);
    this.spectrum = new Float64Array(2 * size);
  }

  compute(samples: Float32Array, start: number, out: Float64Array): void {
    const { size, window, frame, spectrum } = this;
    let mean = 0;
    if (this.removeMean) {
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const j = start + i;
        if (j >= 0 && j < samples.length) sum += samples[j]! * window[i]!;
      }
      mean = sum / (size / 2);
    }
    // Outside the array is silence: with the mean taken out it is -mean, as it would be were
    // the silence in the file (a copy with silence added must give the same frame).
    for (let i = 0; i < size; i++) {
      const j = start + i;
      frame[i] = ((j >= 0 && j < samples.length ? samples[j]! : 0) - mean) * window[i]!;
    }
    this.fft.realTransform(spectrum, frame);
    for (let k = 0; k <= size / 2; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      out[k] = re * re + im * im;
    }
  }
}

/**
 * A Hann-windowed power-spectrum transform of `size` samples (a power of two ≥ 4). With
 * `removeMean`, each frame's window-weighted mean is taken out before the transform: a DC
 * offset then adds nothing to any bin (the Hann window would otherwise spread it over the
 * first two), at no cost in time resolution, unlike a high-pass filter, whose response would
 * run on past an abrupt end.
 * @throws Error from fft.js when `size` is not a power of two.
 */
export function createPowerSpectrum(size: number, removeMean = false): PowerSpectrum {
  return new HannPowerSpectrum(size, removeMean);
}

/** The power of two nearest (in log terms) to `n`, at least 4. */
export function nearestPowerOfTwo(n: number): number {
  return Math.max(4, 2 ** Math.round(Math.log2(Math.max(1, n))));
}
