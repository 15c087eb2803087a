import { describe, expect, it } from 'vitest';
import {
  canonicalKeyName,
  formatKey,
  fromCamelot,
  KEY_NAMES,
  mirexKeyScore,
  parseKey,
  toCamelot,
} from './key-names.js';

describe('key names', () => {
  it.each([
    ['A minor', '8A'],
    ['C major', '8B'],
    ['F# minor', '11A'],
    ['E major', '12B'],
    ['Eb minor', '2A'],
    ['B major', '1B'],
  ])('%s is Camelot %s and back', (name, camelot) => {
    const key = parseKey(name)!;
    expect(toCamelot(key)).toBe(camelot);
    expect(formatKey(fromCamelot(camelot)!)).toBe(name);
  });

  it('maps all 24 keys to 24 distinct Camelot codes', () => {
    const codes = new Set<string>();
    for (let tonic = 0; tonic < 12; tonic++) {
      for (const mode of ['major', 'minor'] as const) codes.add(toCamelot({ tonic, mode }));
    }
    expect(codes.size).toBe(24);
  });

  it.each([
    ['Am', 'A minor'],
    ['Bbm', 'Bb minor'],
    ['Gmaj', 'G major'],
    ['c#', 'Db major'],
    ['F# Minor', 'F# minor'],
    ['Eb', 'Eb major'],
  ])('parses %s as %s', (text, name) => {
    expect(formatKey(parseKey(text)!)).toBe(name);
  });

  it('names keys as producers read them: flats for Db Eb Ab Bb majors and Eb Bb minors', () => {
    expect(KEY_NAMES).toEqual([
      ...['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'].map((n) => `${n} major`),
      ...['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'].map((n) => `${n} minor`),
    ]);
    for (const name of KEY_NAMES) expect(canonicalKeyName(name)).toBe(name);
  });

  it.each([
    ['D# major', 'Eb major'],
    ['A# minor', 'Bb minor'],
    ['Dbm', 'C# minor'],
    ['Gb major', 'F# major'],
    ['ab', 'Ab major'],
    ['4B', 'Ab major'],
  ])('takes %s in any spelling as %s', (text, name) => {
    expect(canonicalKeyName(text)).toBe(name);
  });

  it('rejects text that is not a key', () => {
    expect(canonicalKeyName('Bb dorian')).toBeNull();
    expect(parseKey('hello')).toBeNull();
    expect(parseKey('H minor')).toBeNull();
  });

  it('scores MIREX: exact, fifth, relative, parallel, other', () => {
    const am = parseKey('A minor')!;
    expect(mirexKeyScore(am, am)).toBe(1);
    expect(mirexKeyScore(parseKey('E minor')!, am)).toBe(0.5);
    expect(mirexKeyScore(parseKey('C major')!, am)).toBe(0.3);
    expect(mirexKeyScore(parseKey('A major')!, am)).toBe(0.2);
    expect(mirexKeyScore(parseKey('F# major')!, am)).toBe(0);
  });
});
