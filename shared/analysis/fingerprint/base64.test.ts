import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { seededRandom } from './test-signals.js';

describe('base64', () => {
  it('round-trips every length and matches the standard encoding', () => {
    const rnd = seededRandom(5);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
      const text = bytesToBase64(bytes);
      expect(text).toBe(btoa(String.fromCharCode(...bytes)));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => base64ToBytes('ab$d')).toThrow(/unexpected character/);
  });
});
