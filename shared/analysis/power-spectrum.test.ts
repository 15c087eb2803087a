import { describe, expect, it } from 'vitest';
import { createPowerSpectrum } from './power-spectrum.js';
import { mulberry32 } from './prng.js';

describe('createPowerSpectrum with removeMean', () => {
  // The mean is taken out in the spectrum (bins 0 and 1); it must give what taking the frame's
  // window-weighted mean out of every sample does, what lies outside the array being silence.
  it('equals the spectrum of the frame with its window-weighted mean taken out of each sample', () => {
    const rng = mulberry32(7);
    const samples = Float32Array.from(
      { length: 3000 },
      (_, i) => 0.3 + Math.sin(i / 9) + rng() - 0.5,
    );
    for (const size of [256, 2048]) {
      const window = Float64Array.from(
        { length: size },
        (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size),
      );
      const removed = createPowerSpectrum(size, true);
      const plain = createPowerSpectrum(size);
      for (const start of [-size / 2, 0, 1234, samples.length - size / 4]) {
        const frame = Float32Array.from({ length: size }, (_, i) => samples[start + i] ?? 0);
        const mean = frame.reduce((s, x, i) => s + x * window[i]!, 0) / (size / 2);
        const expected = new Float64Array(size / 2 + 1);
        plain.compute(
          frame.map((x) => x - mean),
          0,
          expected,
        );
        const got = new Float64Array(size / 2 + 1);
        removed.compute(samples, start, got);
        const peak = Math.max(...expected);
        for (let k = 0; k <= size / 2; k++)
          expect(Math.abs(got[k]! - expected[k]!)).toBeLessThan(1e-7 * peak);
        expect(got[0]).toBe(0);
      }
    }
  });
});
