import { describe, expect, it } from 'vitest';
import { closestCandidates, MAX_SOUND_CANDIDATES } from './index.js';
import type { Fingerprint } from './fingerprint-types.js';
import { kick, snare } from './test-signals.js';
import { gain } from './test-transforms.js';
import { fingerprintOfPcm, RATE, snaresSharingEveryKey } from './test-variants.js';

const fp = (samples: Float32Array): Fingerprint => fingerprintOfPcm({ samples, rate: RATE });

describe('closestCandidates', () => {
  const original = fp(snare(RATE, 1));
  const copy = fp(gain(snare(RATE, 1), -6));

  it('ranks the original first among other recordings that share every key with its copy', () => {
    const others = snaresSharingEveryKey(copy, 40);
    const pool = [...others, original];
    const chosen = closestCandidates(copy, pool, (f) => f);
    expect(chosen).toHaveLength(MAX_SOUND_CANDIDATES);
    expect(chosen[0]).toBe(original);
  });

  it('leaves out what cannot be similar, and candidates without a usable summary', () => {
    const kickFp = fp(kick(RATE));
    const broken = { ...original, profile: '!!not base64!!' };
    const chosen = closestCandidates(copy, [kickFp, null, broken, original], (f) => f);
    expect(chosen).toEqual([original]);
  });

  it('keeps the pool order among equally close candidates', () => {
    const twin = { ...original };
    expect(closestCandidates(copy, [twin, original], (f) => f)).toEqual([twin, original]);
    expect(closestCandidates(copy, [original, twin], (f) => f)).toEqual([original, twin]);
  });
});
