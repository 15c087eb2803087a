import { describe, expect, it } from 'vitest';
import { fingerprintIndexKeys, type Fingerprint } from './index.js';
import { groove } from './test-arrangements.js';
import { hat, kick, note, pad, snare } from './test-signals.js';
import { fingerprintOfPcm, RATE } from './test-variants.js';

function fp(samples: Float32Array): Fingerprint {
  return fingerprintOfPcm({ samples, rate: RATE });
}

/** Sounds that are all different from each other (one-shots, notes, chords, grooves). */
function unrelatedSounds(): Fingerprint[] {
  const sounds = [kick(RATE), kick(RATE, { pitch: 1.5, decayS: 0.08 }), snare(RATE), hat(RATE)];
  for (const f0 of [110, 196, 330, 523, 880]) {
    sounds.push(note(RATE, { f0 }), note(RATE, { f0, timbre: 'organ', durationS: 1.2 }));
  }
  sounds.push(pad(RATE), pad(RATE, [146.83, 185, 220], 4), pad(RATE, [392, 493.88, 587.33], 1.5));
  for (const bpm of [90, 128, 150]) {
    sounds.push(
      groove(RATE, { bpm }),
      groove(RATE, { bpm, bars: 4, withBass: true, withChords: true }),
    );
  }
  return sounds.map(fp);
}

describe('fingerprintIndexKeys', () => {
  it('returns at most 16 short, deterministic keys', () => {
    const a = fingerprintIndexKeys(fp(kick(RATE)));
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThanOrEqual(16);
    for (const key of a) expect(key.length).toBeLessThanOrEqual(16);
    expect(fingerprintIndexKeys(fp(kick(RATE)))).toEqual(a);
  });

  it('keeps each key in its place, so that a key found in two fingerprints sits at one index in both', () => {
    // The server ranks candidates by counting equal positions (duration-filter.ts): that is the
    // count of shared keys only while a key string can stand at one index alone.
    const positions = new Map<string, number>();
    for (const f of unrelatedSounds()) {
      const keys = fingerprintIndexKeys(f);
      expect(keys).toHaveLength(16);
      keys.forEach((key, i) => {
        expect(key).toMatch(new RegExp(`^f1${i % 2 === 0 ? 'a' : 'b'}-?\\d+t${i >> 1}h[0-9a-f]+$`));
        expect(positions.get(key) ?? i).toBe(i);
        positions.set(key, i);
      });
    }
  });

  it('rarely gives unrelated sounds a common key', () => {
    const fps = unrelatedSounds();
    const keys = fps.map((f) => new Set(fingerprintIndexKeys(f)));
    let pairs = 0;
    let sharing = 0;
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        pairs++;
        if ([...keys[i]!].some((k) => keys[j]!.has(k))) sharing++;
      }
    }
    expect(sharing / pairs).toBeLessThan(0.05);
  });
});
