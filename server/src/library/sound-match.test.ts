import { describe, expect, it } from 'vitest';
import { snare } from '../../../shared/analysis/fingerprint/test-signals.js';
import {
  fingerprintOfPcm,
  RATE,
  SAME_SOUND_VARIANTS,
} from '../../../shared/analysis/fingerprint/test-variants.js';
import type { FingerprintInput } from '../../../shared/schemas/index.js';
import { matchSounds } from './sound-match.js';

const hit = snare(RATE, 1);
const original = fingerprintOfPcm({ samples: hit, rate: RATE });
const copy = fingerprintOfPcm(SAME_SOUND_VARIANTS['gain -6 dB']!(hit, RATE));
// Another recording of one drum: close, never the same sound.
const roundRobin = fingerprintOfPcm({ samples: snare(RATE, 7), rate: RATE });

/** A candidate that counts how often its fingerprint is read (once per comparison). */
function counted(name: string, fingerprint: FingerprintInput) {
  const candidate = {
    name,
    reads: 0,
    get fingerprint() {
      candidate.reads++;
      return fingerprint;
    },
  };
  return candidate;
}

/** A round robin, the copy's original, then another round robin. */
const originalBetweenRoundRobins = () => [
  counted('round robin', roundRobin),
  counted('original', original),
  counted('late round robin', roundRobin),
];

describe('matchSounds', () => {
  it('finds the copy and every similar sound when all are wanted', () => {
    const candidates = originalBetweenRoundRobins();
    const matches = matchSounds(copy, candidates, 'all');
    expect(matches.same?.candidate.name).toBe('original');
    expect(matches.similar.map((m) => m.candidate.name).sort()).toEqual([
      'late round robin',
      'round robin',
    ]);
    expect(candidates.every((c) => c.reads > 0)).toBe(true);
  });

  it('stops at the first copy when only a copy is wanted, and gives the same copy', () => {
    const candidates = originalBetweenRoundRobins();
    const matches = matchSounds(copy, candidates, 'same');
    expect(matches.same?.candidate.name).toBe('original');
    expect(matches.similar.map((m) => m.candidate.name)).toEqual(['round robin']);
    expect(candidates[2]!.reads).toBe(0);
  });

  it('compares every candidate when only a copy is wanted and none is one', () => {
    const candidates = [counted('round robin', roundRobin), counted('again', roundRobin)];
    const matches = matchSounds(copy, candidates, 'same');
    expect(matches.same).toBeNull();
    expect(matches.similar).toHaveLength(2);
  });
});
