import { describe, expect, it } from 'vitest';
import { hat, kick, pad, snare } from '../fingerprint/test-signals.js';
import { gain, resampleSinc } from '../fingerprint/test-transforms.js';
import { fingerprintOfPcm } from '../fingerprint/test-variants.js';
import { FEATURE_COUNT, FEATURE_NAMES, timbreFeatures } from './timbre-features.js';
import { PROJECTION, SCALING } from './timbre-metric.js';
import { TIMBRE_DIMENSIONS, timbreSimilarity, timbreVector } from './timbre-vector.js';

const RATE = 44100;
const vectorOf = (samples: Float32Array, rate = RATE) =>
  timbreVector(fingerprintOfPcm({ samples, rate }));

// Synthesised sounds of known kind: kicks (other pitches, decays, noise), hats, pads.
const kicks = [1, 0.9, 1.12].map((pitch, i) =>
  vectorOf(kick(RATE, { pitch, decayS: 0.12 + 0.04 * i, seed: 10 + i })),
);
const hats = [3, 4, 5].map((seed, i) => vectorOf(hat(RATE, seed, 0.02 + 0.015 * i)));
const pads = [110, 147, 196].map((f0) => vectorOf(pad(RATE, [f0, f0 * 1.26, f0 * 1.5], 2.5)));

describe('timbreVector', () => {
  it('is a unit vector of fixed length, the same on every run', () => {
    const a = vectorOf(kick(RATE));
    expect(a).toHaveLength(TIMBRE_DIMENSIONS);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(vectorOf(kick(RATE))).toEqual(a);
  });

  it('has a metric fitted to the features it reads (fit again when they change)', () => {
    expect(FEATURE_NAMES).toHaveLength(FEATURE_COUNT);
    expect(timbreFeatures(fingerprintOfPcm({ samples: kick(RATE), rate: RATE }))).toHaveLength(
      FEATURE_COUNT,
    );
    expect(SCALING).toHaveLength(FEATURE_COUNT);
    expect(PROJECTION).toHaveLength(TIMBRE_DIMENSIONS);
    for (const row of PROJECTION) expect(row).toHaveLength(FEATURE_COUNT);
  });

  it('does not change with gain or the source rate', () => {
    const a = vectorOf(snare(RATE));
    const b = vectorOf(resampleSinc(gain(snare(RATE), -9), RATE, 48000), 48000);
    expect(timbreSimilarity(a, b)).toBeGreaterThan(0.98);
  });

  it('puts a kick nearer other kicks than any hat or pad, a hat nearer hats, a pad nearer pads', () => {
    const groups = { kicks, hats, pads };
    for (const [name, own] of Object.entries(groups)) {
      const others = Object.entries(groups)
        .filter(([other]) => other !== name)
        .flatMap(([, vs]) => vs);
      for (const [i, v] of own.entries()) {
        const nearestOwn = Math.max(
          ...own.filter((_, j) => j !== i).map((w) => timbreSimilarity(v, w)),
        );
        const nearestOther = Math.max(...others.map((w) => timbreSimilarity(v, w)));
        expect(nearestOwn, `${name}[${i}]`).toBeGreaterThan(nearestOther);
      }
    }
  });

  it('reads a hat as brighter and flatter than a kick, and a pad as longer', () => {
    const f = (samples: Float32Array) => timbreFeatures(fingerprintOfPcm({ samples, rate: RATE }));
    const at = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);
    const k = f(kick(RATE));
    const h = f(hat(RATE));
    const p = f(pad(RATE, [110, 138.6, 165], 2.5));
    expect(h[at('centroidOct')]!).toBeGreaterThan(k[at('centroidOct')]! + 1);
    expect(h[at('flatnessDb')]!).toBeGreaterThan(k[at('flatnessDb')]!);
    expect(p[at('logDurationS')]!).toBeGreaterThan(k[at('logDurationS')]! + 0.5);
    // Above the matrix's 4.8 kHz: a hat's noise reaches there, a kick's does not.
    expect(h[at('high1Db')]!).toBeGreaterThan(k[at('high1Db')]! + 20);
  });

  it('reads a fingerprint stored before `high` as typical above 4.8 kHz, at full length', () => {
    const stored = fingerprintOfPcm({ samples: hat(RATE), rate: RATE });
    delete stored.high;
    const features = timbreFeatures(stored);
    for (const name of FEATURE_NAMES.filter((n) => n.startsWith('high') || n.includes('High')))
      expect(features[FEATURE_NAMES.indexOf(name)], name).toBeNaN();
    const v = timbreVector(stored);
    expect(v).toHaveLength(TIMBRE_DIMENSIONS);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    // Still a hat: nearer the hats than any kick or pad.
    const nearestHat = Math.max(...hats.map((h) => timbreSimilarity(v, h)));
    const nearestOther = Math.max(...[...kicks, ...pads].map((w) => timbreSimilarity(v, w)));
    expect(nearestHat).toBeGreaterThan(nearestOther);
  });
});

describe('timbreSimilarity', () => {
  it('is 1 for one vector, 0 for opposite ones and for vectors of another length', () => {
    const v = kicks[0]!;
    expect(timbreSimilarity(v, v)).toBeCloseTo(1, 6);
    expect(
      timbreSimilarity(
        v,
        v.map((x) => -x),
      ),
    ).toBeCloseTo(0, 6);
    expect(timbreSimilarity(v, v.slice(1))).toBe(0);
  });
});
