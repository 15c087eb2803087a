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

  it("lifts a half-time reading to the producer's octave, with the measured precision", () => {
    expect(resolveBpm(70.2, 140, true)).toBeCloseTo(140.4, 6);
    expect(resolveBpm(87, 174, true)).toBe(174);
  });

  it('follows a slower hint only when the octave was a close call and the hint is 70 or more', () => {
    expect(resolveBpm(140.2, 70, false)).toBeCloseTo(70.1, 6);
    expect(resolveBpm(140, 70, true)).toBe(140);
    expect(resolveBpm(128, 64, false)).toBe(128);
  });

  it('keeps the measurement against a faster-than-180 or unrelated hint, or none', () => {
    expect(resolveBpm(100, 200, false)).toBe(100);
    expect(resolveBpm(120, 126, false)).toBe(120);
    expect(resolveBpm(120, null, false)).toBe(120);
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
