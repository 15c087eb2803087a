import { describe, expect, it } from 'vitest';
import { parseKey } from '../music/key-names.js';
import { compareBpm, compareKey, resolveBpm } from './hint-agreement.js';

describe('tempo hints', () => {
  it('agrees within 1.5 BPM, calls half and double time an octave, else disagrees', () => {
    expect(compareBpm(128.4, 128)).toBe('agrees');
    expect(compareBpm(70, 140)).toBe('octave');
    expect(compareBpm(174, 87)).toBe('octave');
    expect(compareBpm(120, 126)).toBe('disagrees');
  });

  it("takes the producer's octave when the hint is a tempo producers write, keeping precision", () => {
    expect(resolveBpm(70.2, 140)).toBeCloseTo(140.4, 6);
    expect(resolveBpm(87, 174)).toBe(174);
    expect(resolveBpm(174.2, 87)).toBeCloseTo(87.1, 6);
  });

  it('keeps the measurement against an out-of-range, unrelated or missing hint', () => {
    expect(resolveBpm(128, 64)).toBe(128);
    expect(resolveBpm(100, 200)).toBe(100);
    expect(resolveBpm(120, 126)).toBe(120);
    expect(resolveBpm(120, null)).toBe(120);
  });
});

describe('key hints', () => {
  it('tells same key, relative key and other keys apart', () => {
    const am = parseKey('A minor')!;
    expect(compareKey(am, parseKey('Am')!)).toBe('agrees');
    expect(compareKey(am, parseKey('C major')!)).toBe('relative');
    expect(compareKey(parseKey('C major')!, am)).toBe('relative');
    expect(compareKey(am, parseKey('A major')!)).toBe('disagrees');
  });
});
