import { describe, expect, it } from 'vitest';
import { DecodedCache } from './decoded-cache.js';

describe('DecodedCache', () => {
  it('decodes each packed text once while it is among the most recently used', () => {
    const decoded: string[] = [];
    const cache = new DecodedCache<number>(2);
    const decode = (packed: string) => {
      decoded.push(packed);
      return packed.length;
    };
    expect(cache.get('a', decode)).toBe(1);
    expect(cache.get('bb', decode)).toBe(2);
    expect(cache.get('a', decode)).toBe(1); // a hit: 'a' is now the most recent
    expect(cache.get('ccc', decode)).toBe(3); // evicts 'bb', the least recently used
    expect(cache.get('a', decode)).toBe(1);
    expect(cache.get('bb', decode)).toBe(2);
    expect(decoded).toEqual(['a', 'bb', 'ccc', 'bb']);
  });

  it('keeps a null result and does not keep a decode that throws', () => {
    const cache = new DecodedCache<number | null>(4);
    let calls = 0;
    expect(cache.get('x', () => (calls++, null))).toBeNull();
    expect(cache.get('x', () => (calls++, 1))).toBeNull();
    expect(() =>
      cache.get('bad', () => {
        throw new Error('not base64');
      }),
    ).toThrow('not base64');
    expect(cache.get('bad', () => 5)).toBe(5);
    expect(calls).toBe(1);
  });
});
