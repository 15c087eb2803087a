import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPO_TOLERANCE_PCT,
  fittingKeyNames,
  fittingTempoRanges,
  formatBpmRange,
  harmonicFit,
} from './harmonic-fit.js';
import { KEY_NAMES, parseKey, toCamelot } from './key-names.js';

const camelotOf = (names: string[]) => names.map((n) => toCamelot(parseKey(n)!));

describe('fitting keys', () => {
  it.each([
    ['A minor', ['8A', '8B', '7A', '9A']],
    ['C major', ['8B', '8A', '7B', '9B']],
    // The wheel wraps: 12 is next to 1, both ways.
    ['Db major', ['3B', '3A', '2B', '4B']],
    ['E major', ['12B', '12A', '11B', '1B']],
    ['B major', ['1B', '1A', '12B', '2B']],
    ['Db minor', ['12A', '12B', '11A', '1A']],
    ['G# minor', ['1A', '1B', '12A', '2A']],
  ])('%s fits itself, its relative and its Camelot neighbours', (name, codes) => {
    expect(camelotOf(fittingKeyNames(name)!)).toEqual(codes);
  });

  it('names the keys as the library stores them, in any spelling asked', () => {
    expect(fittingKeyNames('8A')).toEqual(['A minor', 'C major', 'D minor', 'E minor']);
    expect(fittingKeyNames('am')).toEqual(fittingKeyNames('A minor'));
    expect(fittingKeyNames('F#m')).toEqual(['F# minor', 'A major', 'B minor', 'C# minor']);
    expect(fittingKeyNames('H dorian')).toBeNull();
  });

  it('gives four distinct keys for each of the 24, every key fitting back (the relation is symmetric)', () => {
    for (const name of KEY_NAMES) {
      const fits = fittingKeyNames(name)!;
      expect(new Set(fits).size, name).toBe(4);
      expect(
        fits.every((k) => KEY_NAMES.includes(k)),
        name,
      ).toBe(true);
      for (const other of fits)
        expect(fittingKeyNames(other), `${name} ~ ${other}`).toContain(name);
    }
  });
});

describe('fitting tempo ranges', () => {
  it('takes a few percent either side, at half, same and double time', () => {
    expect(DEFAULT_TEMPO_TOLERANCE_PCT).toBe(4);
    expect(fittingTempoRanges(120)).toEqual([
      [57.6, 62.4],
      [115.2, 124.8],
      [230.4, 249.6],
    ]);
    expect(fittingTempoRanges(90, 10)).toEqual([
      [40.5, 49.5],
      [81, 99],
      [162, 198],
    ]);
    expect(fittingTempoRanges(100, 0)).toEqual([
      [50, 50],
      [100, 100],
      [200, 200],
    ]);
  });

  it('rounds the ends outwards to 0.01 BPM so that a tempo at the edge still fits', () => {
    const [min, max] = fittingTempoRanges(127.33)[1]!;
    expect(min).toBeLessThanOrEqual(127.33 * 0.96);
    expect(max).toBeGreaterThanOrEqual(127.33 * 1.04);
    expect(max - min).toBeLessThan(127.33 * 0.08 + 0.02);
    expect(formatBpmRange([115.2, 124.8])).toBe('115.2–124.8');
  });

  it('refuses a tempo or a tolerance that means nothing', () => {
    for (const bpm of [0, -120, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => fittingTempoRanges(bpm), String(bpm)).toThrow(RangeError);
    }
    for (const pct of [-1, 26, Number.NaN]) {
      expect(() => fittingTempoRanges(120, pct), String(pct)).toThrow(RangeError);
    }
  });
});

describe('harmonic fit of a sound', () => {
  it('fits on key and tempo when the sound has both', () => {
    expect(harmonicFit({ key: 'A minor', bpm: 120 })).toEqual({
      camelot: '8A',
      keys: ['A minor', 'C major', 'D minor', 'E minor'],
      bpm_ranges: fittingTempoRanges(120),
    });
  });

  it('fits on what the sound has: no key, any key; no tempo, any tempo', () => {
    expect(harmonicFit({ key: null, bpm: 90 })).toEqual({
      camelot: null,
      keys: null,
      bpm_ranges: fittingTempoRanges(90),
    });
    expect(harmonicFit({ key: 'Eb major', bpm: null })).toMatchObject({
      camelot: '5B',
      bpm_ranges: null,
    });
    expect(harmonicFit({ key: 'not a key', bpm: 0 })).toEqual({
      camelot: null,
      keys: null,
      bpm_ranges: null,
    });
  });
});
