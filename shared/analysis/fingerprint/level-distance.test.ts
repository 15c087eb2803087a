import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { base64ToBytes } from './base64.js';
import { levelDistance, spectrumFit } from './level-distance.js';
import { bytesToDb } from './quantise.js';
import { kick, note, snare } from './test-signals.js';
import { fingerprintOfPcm, RATE } from './test-variants.js';

/** levelDistance's options for a long-term spectrum, as compare.ts used them. */
const spectrumOptions = (floorDb: number, maxLag: number) => ({
  bands: 1,
  maxLag,
  window: 1,
  floorDb,
  smearFrames: 0,
  maskDb: Infinity,
  skipLastFrame: false,
});

function randomLevels(random: () => number, length: number): Float32Array {
  // Levels in dB under 0, some far under the floor, as a profile holds them.
  return Float32Array.from({ length }, () => -45 * random() ** 2);
}

describe('spectrumFit', () => {
  it('gives levelDistance’s global distance and lag, to the last bit, on random levels', () => {
    const random = mulberry32(17);
    for (let trial = 0; trial < 300; trial++) {
      const a = randomLevels(random, 20 + Math.floor(random() * 150));
      const b = randomLevels(random, 20 + Math.floor(random() * 150));
      for (const maxLag of [0, 3]) {
        const slow = levelDistance(a, b, spectrumOptions(-30, maxLag));
        const fast = spectrumFit(a, b, -30, maxLag);
        expect(fast.global).toBe(slow.global);
        expect(fast.lag).toBe(slow.lag);
      }
    }
  });

  it('gives the same on the spectra of real fingerprints, shifted or not', () => {
    const profiles = [
      kick(RATE),
      snare(RATE, 2),
      snare(RATE, 5),
      note(RATE, { f0: 220 }),
      note(RATE, { f0: 233 }),
    ].map((samples) => bytesToDb(base64ToBytes(fingerprintOfPcm({ samples, rate: RATE }).profile)));
    for (const a of profiles) {
      for (const b of profiles) {
        const slow = levelDistance(a, b, spectrumOptions(-30, 3));
        const fast = spectrumFit(a, b, -30, 3);
        expect(fast).toEqual({ global: slow.global, lag: slow.lag });
      }
    }
  });
});
