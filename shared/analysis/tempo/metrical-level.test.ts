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
