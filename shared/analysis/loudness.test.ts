import { describe, expect, it } from 'vitest';
import { createLoudnessMeter } from './loudness.js';

/** Stereo 1 kHz sine segments of [dBFS peak, seconds] at `rate`, as EBU Tech 3341 describes them. */
function toneSegments(rate: number, segments: [number, number][]): Float32Array {
  const total = segments.reduce((n, [, s]) => n + Math.round(s * rate), 0);
  const out = new Float32Array(total);
  let i = 0;
  for (const [db, seconds] of segments) {
    const a = Math.pow(10, db / 20);
    for (let k = 0; k < Math.round(seconds * rate); k++, i++) {
      out[i] = a * Math.sin((2 * Math.PI * 1000 * i) / rate);
    }
  }
  return out;
}

function measure(rate: number, channels: Float32Array[], chunk = 4096): number | null {
  const meter = createLoudnessMeter(rate, channels.length);
  const n = channels[0]!.length;
  for (let i = 0; i < n; i += chunk) meter.push(channels.map((c) => c.subarray(i, i + chunk)));
  return meter.integratedLufs();
}

describe('createLoudnessMeter (EBU Tech 3341 cases)', () => {
  for (const rate of [44100, 48000, 11025]) {
    it(`reads a stereo -23 dBFS 1 kHz tone as -23.0 LUFS at ${rate} Hz`, () => {
      const x = toneSegments(rate, [[-23, 20]]);
      expect(measure(rate, [x, x])).toBeCloseTo(-23, 1);
    });
  }

  it('reads -33 dBFS as -33.0 LUFS', () => {
    const x = toneSegments(48000, [[-33, 20]]);
    expect(measure(48000, [x, x])).toBeCloseTo(-33, 1);
  });

  it('gates quiet passages out (case 3: -36/-23/-36 dB reads -23 LUFS)', () => {
    const x = toneSegments(48000, [
      [-36, 10],
      [-23, 60],
      [-36, 10],
    ]);
    expect(Math.abs(measure(48000, [x, x])! + 23)).toBeLessThan(0.1);
  });

  it('ignores silence below the absolute gate (case 5: -26/-20/-26 with silence reads -23)', () => {
    const x = toneSegments(48000, [
      [-72, 10],
      [-26, 20],
      [-20, 20.1],
      [-26, 20],
      [-72, 10],
    ]);
    expect(Math.abs(measure(48000, [x, x])! + 23)).toBeLessThan(0.1);
  });

  it('gives the same answer whatever the chunk size', () => {
    const x = toneSegments(44100, [[-18, 3]]);
    expect(measure(44100, [x], 7)).toBeCloseTo(measure(44100, [x], 100_000)!, 6);
  });

  it('a mono channel reads 3 dB below the same signal on both stereo channels', () => {
    const x = toneSegments(44100, [[-20, 5]]);
    expect(measure(44100, [x])! - measure(44100, [x, x])!).toBeCloseTo(-3.01, 1);
  });

  it('measures a 100 ms one-shot over its whole length', () => {
    const x = toneSegments(44100, [[-20, 0.1]]);
    expect(measure(44100, [x, x])).toBeCloseTo(-20, 0);
  });

  it('returns null for digital silence and for nothing at all', () => {
    const silent = new Float32Array(48000);
    expect(measure(48000, [silent, silent])).toBeNull();
    expect(createLoudnessMeter(48000, 2).integratedLufs()).toBeNull();
  });
});
