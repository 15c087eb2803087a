import { describe, expect, it } from 'vitest';
import { snare } from '../analysis/fingerprint/test-signals.js';
import { gain } from '../analysis/fingerprint/test-transforms.js';
import {
  fingerprintOfPcm,
  RATE,
  snaresSharingEveryKey,
} from '../analysis/fingerprint/test-variants.js';
import { RunDeduplicator } from './run-dedupe.js';

describe('RunDeduplicator', () => {
  it('finds a copy whose original came after 40 other recordings sharing every index key', () => {
    const original = fingerprintOfPcm({ samples: snare(RATE, 1), rate: RATE });
    const copy = fingerprintOfPcm({ samples: gain(snare(RATE, 1), -6), rate: RATE });
    const run = new RunDeduplicator();
    snaresSharingEveryKey(copy, 40).forEach((other, i) => {
      // Round robins of one drum: each kept, and linked as similar to the earlier ones.
      expect(run.checkSound(`rr-${i}.wav`, `hash-rr-${i}`, other).duplicate).toBeNull();
    });
    expect(run.checkSound('snare.wav', 'hash-snare', original).duplicate).toBeNull();

    const match = run.checkSound('snare quieter.wav', 'hash-copy', copy);
    expect(match.duplicate).toEqual({ duplicateOf: 'snare.wav', by: 'fingerprint' });
  });

  it('takes identical bytes for a copy without a fingerprint', () => {
    const run = new RunDeduplicator();
    expect(run.checkSound('a.wav', 'same-bytes', null).duplicate).toBeNull();
    expect(run.checkSound('b.wav', 'same-bytes', null).duplicate).toEqual({
      duplicateOf: 'a.wav',
      by: 'content_hash',
    });
  });
});
