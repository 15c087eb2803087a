import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { computeFingerprint } from './compute.js';
import {
  computeHighBands,
  HIGH_BAND_EDGES_HZ,
  HIGH_FLOOR_DB,
  highBandsDifferenceDb,
} from './high-bands.js';
import { resampleSinc } from './test-transforms.js';

/** White noise: equal power per Hz, so each band's level against the body is its width's. */
function noise(rate: number, seconds: number, seed = 7, decayS = Infinity): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = (random() - 0.5) * Math.exp(-i / rate / decayS);
  return out;
}

function tone(rate: number, hz: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.sin((2 * Math.PI * hz * i) / rate),
  );
}

const widthDb = (b: number) => {
  const [lo, hi] = [HIGH_BAND_EDGES_HZ[b + 1]!, HIGH_BAND_EDGES_HZ[b + 2]!];
  return 10 * Math.log10((hi - lo) / (HIGH_BAND_EDGES_HZ[1] - HIGH_BAND_EDGES_HZ[0]));
};

describe('computeHighBands', () => {
  it('reads white noise at 44.1 kHz as each band its width against the body (30-4800 Hz)', () => {
    const { bandsDb } = computeHighBands({ samples: noise(44100, 1), sampleRate: 44100 }, 0, 1);
    expect(bandsDb).toHaveLength(4);
    bandsDb.forEach((db, b) => expect(db, `band ${b}`).toBeCloseTo(widthDb(b), 0));
  });

  it('reads the bands a source at 22.05 kHz cannot hold as the floor', () => {
    const { bandsDb } = computeHighBands({ samples: noise(22050, 1), sampleRate: 22050 }, 0, 1);
    expect(bandsDb[0]).toBeCloseTo(widthDb(0), 0);
    expect(bandsDb[3]).toBe(HIGH_FLOOR_DB);
  });

  it('finds nothing above 4.8 kHz in a 440 Hz tone', () => {
    const { bandsDb } = computeHighBands({ samples: tone(48000, 440, 1), sampleRate: 48000 }, 0, 1);
    for (const db of bandsDb) expect(db).toBeLessThanOrEqual(-50);
  });

  it('times the decay of the high bands to -20 dB', () => {
    // Amplitude e^(-t/τ): power falls 20 dB after τ·ln 10.
    for (const tau of [0.03, 0.1, 0.3]) {
      const samples = noise(44100, 2, 3, tau);
      const { decayMs } = computeHighBands({ samples, sampleRate: 44100 }, 0, 2);
      expect(Math.abs(decayMs - tau * Math.LN10 * 1000), `τ ${tau}`).toBeLessThan(25);
    }
  });

  it('reads only the sound between its edges, whatever the rate', () => {
    // A quiet tone, then a noise burst at 1 s: only the burst is between the edges given.
    const rate = 44100;
    const samples = new Float32Array(rate * 2);
    samples.set(tone(rate, 300, 1).map((v) => v * 0.5));
    samples.set(noise(rate, 0.5), rate);
    const burst = computeHighBands({ samples, sampleRate: rate }, 1, 1.5);
    const atRate = computeHighBands(
      { samples: resampleSinc(samples, rate, 96000), sampleRate: 96000 },
      1,
      1.5,
    );
    burst.bandsDb.forEach((db, b) => {
      expect(db).toBeCloseTo(widthDb(b), 0);
      expect(Math.abs(atRate.bandsDb[b]! - db)).toBeLessThanOrEqual(1);
    });
  });
});

describe('computeFingerprint: high', () => {
  it('is read from the start at the source rate, or is empty above 5.5 kHz without it', () => {
    const rate = 44100;
    const burst = noise(rate, 0.4, 11, 0.05);
    const canonical = resampleSinc(burst, rate, 11025);
    const withDetail = computeFingerprint(canonical, 11025, { samples: burst, sampleRate: rate });
    const without = computeFingerprint(canonical, 11025);
    expect(withDetail?.high?.bandsDb[3]).toBeGreaterThan(-10);
    expect(without?.high?.bandsDb.slice(1)).toEqual([HIGH_FLOOR_DB, HIGH_FLOOR_DB, HIGH_FLOOR_DB]);
  });
});

describe('highBandsDifferenceDb', () => {
  const bands = (...bandsDb: number[]) => ({ bandsDb, decayMs: 50 });
  it('is the largest difference up to 13.4 kHz, either way round', () => {
    const a = bands(-20, -25, -30, -35);
    expect(highBandsDifferenceDb(a, bands(-21, -29, -31, -36))).toBe(4);
    expect(highBandsDifferenceDb(bands(-21, -29, -31, -36), a)).toBe(4);
    // The band above 13.4 kHz is not compared.
    expect(highBandsDifferenceDb(a, bands(-20, -25, -30, -45))).toBe(0);
  });
  it('leaves out a band that a low sample rate may cut short', () => {
    // Nothing above 13.4 kHz in one: sampled at 22.05 kHz, say, its 9.5-13.4 kHz band ends at 11.
    expect(highBandsDifferenceDb(bands(-20, -25, -30, -35), bands(-20, -25, -40, -60))).toBe(0);
  });
  it('reads levels under -40 dB as -40 (noise and dither)', () => {
    expect(highBandsDifferenceDb(bands(-45, -55, -50, -50), bands(-39, -50, -50, -50))).toBe(1);
    expect(highBandsDifferenceDb(bands(-45, -55, -50, -50), bands(-50, -42, -50, -50))).toBe(0);
  });
});
