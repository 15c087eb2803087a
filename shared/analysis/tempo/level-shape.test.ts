import { describe, expect, it } from 'vitest';
import { levelShape } from './level-shape.js';

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
