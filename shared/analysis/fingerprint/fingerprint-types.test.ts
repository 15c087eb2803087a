import { describe, expect, it } from 'vitest';
import { isCurrentFingerprint } from './fingerprint-types.js';

// The rule by which a remembered bucket analysis is trusted again, and the server's
// re-fingerprinting query (refingerprint.repository.ts) picks outdated files: version 2 with tail.
describe('isCurrentFingerprint', () => {
  it('takes version 2 with the decay ends, and nothing older', () => {
    expect(isCurrentFingerprint({ v: 2, tail: [{ db: -40, endMs: 310, edgeMs: 12 }] })).toBe(true);
    expect(isCurrentFingerprint({ v: 2, tail: [] })).toBe(true);
    expect(isCurrentFingerprint({ v: 2 })).toBe(false);
    expect(isCurrentFingerprint({ v: 1 })).toBe(false);
  });
});
