import { describe, expect, it } from 'vitest';
import { isCurrentFingerprint } from './fingerprint-types.js';

// The rule by which a remembered bucket analysis is trusted again, and the server's
// re-fingerprinting query (refingerprint.repository.ts) picks outdated files: version 2 with
// tail, dcRemoved and high, and with `lossless` when the file's format may be lossless.
describe('isCurrentFingerprint', () => {
  const tail = [{ db: -40, endMs: 310, edgeMs: 12 }];

  const dcRemoved = true as const;
  const high = { bandsDb: [-20, -30, -40, -50], decayMs: 120 };

  it('takes version 2 with the decay ends, DC removed, the high bands and the lossless flag, and nothing older', () => {
    expect(isCurrentFingerprint({ v: 2, tail, dcRemoved, high, lossless: true }, 'wav')).toBe(true);
    expect(isCurrentFingerprint({ v: 2, tail: [], dcRemoved, high, lossless: false }, 'mp3')).toBe(
      true,
    );
    expect(isCurrentFingerprint({ v: 2, tail, dcRemoved, lossless: true }, 'wav')).toBe(false);
    expect(isCurrentFingerprint({ v: 2, tail, high, lossless: true }, 'wav')).toBe(false);
    expect(isCurrentFingerprint({ v: 2, tail }, 'mp3')).toBe(false);
    expect(isCurrentFingerprint({ v: 2, dcRemoved, lossless: true }, 'wav')).toBe(false);
    expect(isCurrentFingerprint({ v: 1, dcRemoved, lossless: true }, 'wav')).toBe(false);
  });

  it('asks the lossless flag only of formats that may be lossless', () => {
    for (const format of ['wav', 'aiff', 'flac', null]) {
      expect(isCurrentFingerprint({ v: 2, tail, dcRemoved, high }, format), String(format)).toBe(
        format === null,
      );
    }
    for (const format of ['mp3', 'ogg-vorbis', 'opus', 'm4a']) {
      expect(isCurrentFingerprint({ v: 2, tail, dcRemoved, high }, format), format).toBe(true);
    }
  });
});
