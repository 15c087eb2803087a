import { describe, expect, it } from 'vitest';
import { createResampler, resampleWhole } from './resample.js';

function sine(freqHz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate);
  return out;
}

function resampleAll(input: Float32Array, from: number, to: number, chunk: number): Float32Array {
  const r = createResampler(from, to);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.push(input.subarray(i, i + chunk)));
  parts.push(r.end());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

function zeroCrossingFrequency(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) crossings++;
  return (crossings * rate) / x.length;
}

describe('createResampler', () => {
  for (const from of [22050, 44100, 48000, 96000, 32000]) {
    it(`keeps a 1 kHz tone's frequency, level and length from ${from} Hz to 11025 Hz`, () => {
      const input = sine(1000, from, 2);
      const out = resampleAll(input, from, 11025, 4096);
      expect(out.length).toBe(Math.ceil((input.length * 11025) / from));
      expect(zeroCrossingFrequency(out, 11025)).toBeCloseTo(1000, -1);
      expect(rms(out, 200, out.length - 200)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    });
  }

  it('rejects content above the output band instead of aliasing it', () => {
    const out = resampleAll(sine(7000, 48000, 1), 48000, 11025, 1000);
    expect(20 * Math.log10(rms(out, 200, out.length - 200) / (0.5 / Math.SQRT2))).toBeLessThan(-50);
  });

  it('gives the same output whatever the chunk sizes, or the whole buffer at once', () => {
    const input = sine(440, 44100, 0.5);
    const a = resampleAll(input, 44100, 11025, 1);
    for (const b of [
      resampleAll(input, 44100, 11025, 100_000),
      resampleWhole(input, 44100, 11025),
    ]) {
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    }
  });

  it('passes equal rates through unchanged', () => {
    const input = sine(440, 11025, 0.1);
    expect(resampleAll(input, 11025, 11025, 64)).toEqual(input);
  });
});
