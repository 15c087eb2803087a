import { describe, expect, it } from 'vitest';
import { formatKey, fromCamelot, mirexKeyScore, parseKey, toCamelot } from './key-names.js';

describe('key names', () => {
  it.each([
    ['A minor', '8A'],
    ['C major', '8B'],
    ['F# minor', '11A'],
    ['E major', '12B'],
    ['D# minor', '2A'],
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
    ['Bbm', 'A# minor'],
    ['Gmaj', 'G major'],
    ['c#', 'C# major'],
    ['F# Minor', 'F# minor'],
    ['Eb', 'D# major'],
  ])('parses %s as %s', (text, name) => {
    expect(formatKey(parseKey(text)!)).toBe(name);
  });

  it('rejects text that is not a key', () => {
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
