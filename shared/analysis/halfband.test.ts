import { describe, expect, it } from 'vitest';
import { createHalfbandDecimator } from './halfband.js';

function tone(cyclesPerSample: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * cyclesPerSample * i));
}

function rmsDb(x: Float32Array): number {
  let s = 0;
  for (let i = 100; i < x.length - 100; i++) s += x[i]! * x[i]!;
  return 10 * Math.log10(s / (x.length - 200) / 0.5);
}

function decimate(x: Float32Array, chunk: number): Float32Array {
  const d = createHalfbandDecimator();
  const parts: number[] = [];
  for (let i = 0; i < x.length; i += chunk) parts.push(...d.push(x.subarray(i, i + chunk)));
  parts.push(...d.end());
  return Float32Array.from(parts);
}

describe('createHalfbandDecimator', () => {
  it('halves the length (rounding up) and keeps the passband flat', () => {
    const out = decimate(tone(0.1, 10001), 777);
    expect(out.length).toBe(5001);
    expect(Math.abs(rmsDb(out))).toBeLessThan(0.1);
  });

  it('rejects what would alias into the passband by more than 60 dB', () => {
    expect(rmsDb(decimate(tone(0.4, 10000), 4096))).toBeLessThan(-60);
  });

  it('gives the same output whatever the chunk sizes', () => {
    const x = tone(0.05, 3000);
    expect(decimate(x, 1)).toEqual(decimate(x, 3000));
  });
});
