import { describe, expect, it } from 'vitest';
import { fastOctaveProbability, type OctaveFeatures } from './metrical-level.js';

/** A chord loop pulsing on every beat: at S = 85 and F = 170 its envelope reads alike. */
const pulsing: OctaveFeatures = {
  slowBpm: 85,
  betweenFast: 0.1,
  hatsBetweenFast: 0.1,
  hatsQuarterFast: 0.1,
  periodicityFast: 0.6,
  periodicitySlow: 0.6,
  kickSnareBetweenSlow: 0.5,
  barsFast: null,
  lowActivity: 0.2,
  highActivity: 0.5,
};

describe('fastOctaveProbability: the loop length in bars', () => {
  it('leans to the octave that makes a loop 4 bars rather than 2 or 8', () => {
    // 2 bars at 170 is 1 bar at 85; 8 bars at 170 is 4 bars at 85.
    const twoBarsAtFast = fastOctaveProbability({ ...pulsing, barsFast: 2 });
    const fourBarsAtFast = fastOctaveProbability({ ...pulsing, barsFast: 4 });
    const eightBarsAtFast = fastOctaveProbability({ ...pulsing, barsFast: 8 });
    expect(twoBarsAtFast).toBeGreaterThan(fourBarsAtFast);
    expect(fourBarsAtFast).toBeGreaterThan(eightBarsAtFast);
  });

  it('decides a clip that is no loop on its envelope alone', () => {
    // Without a bar count the bar features weigh nothing: between a 1-bar and an 8-bar loop.
    const noLoop = fastOctaveProbability(pulsing);
    expect(fastOctaveProbability({ ...pulsing, barsFast: 1 })).toBeGreaterThan(noLoop);
    expect(fastOctaveProbability({ ...pulsing, barsFast: 8 })).toBeLessThan(noLoop);
  });
});

describe('fastOctaveProbability: onsets under 120 Hz', () => {
  it('gives a loop without kick or bass the faster octave more readily than a beat with one', () => {
    // A chord loop or an arpeggio is written at any tempo; a kick pulls towards the tempos drums
    // are played at, where 85 is likelier than 170.
    const at85 = { ...pulsing, barsFast: 4 };
    expect(fastOctaveProbability({ ...at85, lowActivity: 0 })).toBeGreaterThan(0.5);
    expect(fastOctaveProbability({ ...at85, lowActivity: 1 })).toBeLessThan(0.5);
    // Slower, the kick still lowers the odds of the faster octave.
    const at65 = { ...pulsing, slowBpm: 65, barsFast: 4 };
    expect(fastOctaveProbability({ ...at65, lowActivity: 0 })).toBeGreaterThan(
      fastOctaveProbability({ ...at65, lowActivity: 1 }),
    );
  });
});
