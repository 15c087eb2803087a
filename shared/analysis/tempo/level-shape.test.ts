import { describe, expect, it } from 'vitest';
import { levelAllowsLoop, levelShape } from './level-shape.js';

const BLOCK = 100;

/** A clip of `blocks` blocks, each a constant at `levels[i]` (linear amplitude). */
function steps(levels: number[]): Float32Array {
  const out = new Float32Array(levels.length * BLOCK);
  levels.forEach((level, b) => out.fill(level, b * BLOCK, (b + 1) * BLOCK));
  return out;
}

describe('levelShape', () => {
  it('reads a level clip as flat at both ends', () => {
    const shape = levelShape(steps([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), BLOCK)!;
    expect(shape.startDb).toBeCloseTo(0, 6);
    expect(shape.endDb).toBeCloseTo(0, 6);
    expect(shape.trendDb).toBeCloseTo(0, 6);
  });

  it('reads a swell and a decay by their quarters, and each end against the loudest', () => {
    const swell = levelShape(steps([0.01, 0.01, 0.1, 0.1, 0.3, 0.3, 1, 1]), BLOCK)!;
    expect(swell.trendDb).toBeCloseTo(40, 6);
    expect(swell.startDb).toBeCloseTo(-40, 6);
    expect(swell.endDb).toBeCloseTo(0, 6);
    const decay = levelShape(steps([1, 1, 0.3, 0.3, 0.1, 0.1, 0.1, 0.01]), BLOCK)!;
    // Last quarter: mean power of 0.1² and 0.01² against 1.
    expect(decay.trendDb).toBeCloseTo(10 * Math.log10((0.01 + 0.0001) / 2), 6);
    expect(decay.endDb).toBeCloseTo(-40, 6);
  });

  it('leaves out a partial last block, and gives null for silence or under four blocks', () => {
    const withTail = new Float32Array(8 * BLOCK + 50).fill(0.5);
    withTail.fill(0, 8 * BLOCK);
    expect(levelShape(withTail, BLOCK)!.endDb).toBeCloseTo(0, 6);
    expect(levelShape(new Float32Array(8 * BLOCK), BLOCK)).toBeNull();
    expect(levelShape(steps([1, 1, 1]), BLOCK)).toBeNull();
    expect(levelShape(steps([1, 1, 1, 1]), 0)).toBeNull();
  });
});

describe('levelAllowsLoop', () => {
  const weak = {
    bpm: 96,
    confidence: 0.35,
    loopBeats: 4,
    pulseBpm: 96,
    reason: 'loop-length',
    periodicity: 0.15,
    octaveCertainty: 1,
  } as const;
  const flat = { startDb: 0, endDb: -3, trendDb: -1 };

  it('lets a weak tempo stand on a clip whose level holds', () => {
    expect(levelAllowsLoop(weak, flat, 1, 2.5)).toBe(true);
  });

  it('refuses a weak tempo to a clip that swells or dies away by more than 15 dB', () => {
    expect(levelAllowsLoop(weak, { ...flat, trendDb: 20 }, 8, 2.5)).toBe(false);
    expect(levelAllowsLoop(weak, { ...flat, trendDb: -20 }, 8, 2.5)).toBe(false);
  });

  it('refuses a tempo from length alone to a single attack left to ring out (a chord stab)', () => {
    const ringing = { ...flat, endDb: -38 };
    expect(levelAllowsLoop(weak, ringing, 1, 2.5)).toBe(false);
    // A fade of a few milliseconds against a click is still a cut.
    expect(levelAllowsLoop(weak, { ...flat, endDb: -12 }, 1, 2.5)).toBe(true);
    // With onsets enough for a pulse, the end of the clip does not decide.
    expect(levelAllowsLoop(weak, ringing, 5, 2.5)).toBe(true);
  });

  it('leaves a strong pulse cut to whole beats, and clips longer than a loop, alone', () => {
    const strong = { ...weak, confidence: 0.9 };
    expect(levelAllowsLoop(strong, { ...flat, trendDb: -25 }, 8, 2.5)).toBe(true);
    expect(levelAllowsLoop(weak, { ...flat, trendDb: -25 }, 8, 40)).toBe(true);
    // A strong pulse in a short clip not cut to whole beats is held to the level test.
    expect(levelAllowsLoop({ ...strong, loopBeats: null }, { ...flat, trendDb: -25 }, 8, 2.5)).toBe(
      false,
    );
  });
});
