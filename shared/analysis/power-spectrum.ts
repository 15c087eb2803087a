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
    for (let i = 0; i < size; i++) {
      const j = start + i;
      frame[i] = j >= 0 && j < samples.length ? samples[j]! * window[i]! : 0;
    }
    this.fft.realTransform(spectrum, frame);
    if (this.removeMean) {
      // Taking the frame's window-weighted mean m = X[0] / (size / 2) out of every sample
      // subtracts m times the window's own transform, which for a periodic Hann window is
      // size / 2 at bin 0, -size / 4 at bins ±1 and 0 elsewhere: X[0] becomes 0 and X[1] gains
      // X[0] / 2, with no second pass over the frame. What lies outside the array counts as
      // silence with the mean taken out, as in a copy with that silence written out.
      spectrum[2]! += spectrum[0]! / 2;
      spectrum[0] = 0;
      spectrum[1] = 0;
    }
    for (let k = 0; k <= size / 2; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      out[k] = re * re + im * im;
    }
  }
}

/**
 * A Hann-windowed power-spectrum transform of `size` samples (a power of two ≥ 4). With
 * `removeMean`, each frame's window-weighted mean is taken out (in the spectrum, which is exact): a DC
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

/**
 * The band each bin k (1..size/2) of a `size`-point spectrum at `sampleRate` falls in: b for
 * `edgesHz[b]` ≤ its frequency < `edgesHz[b + 1]`, -1 outside every band (and for DC).
 */
export function bandOfBins(
  edgesHz: readonly number[],
  size: number,
  sampleRate: number,
): Int16Array {
  const bands = new Int16Array(size / 2 + 1).fill(-1);
  for (let k = 1; k <= size / 2; k++) {
    const hz = (k * sampleRate) / size;
    for (let b = 0; b < edgesHz.length - 1; b++) {
      if (hz >= edgesHz[b]! && hz < edgesHz[b + 1]!) bands[k] = b;
    }
  }
  return bands;
}

/** Adds each bin's power to its band's sum (`out[offset + band]`), by {@link bandOfBins}' map. */
export function addBandPowers(
  power: Float64Array,
  bandOfBin: Int16Array,
  out: Float64Array,
  offset = 0,
): void {
  for (let k = 1; k < bandOfBin.length; k++) {
    const b = bandOfBin[k]!;
    if (b >= 0) out[offset + b]! += power[k]!;
  }
}
