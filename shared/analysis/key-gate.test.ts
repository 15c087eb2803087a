import { describe, expect, it } from 'vitest';
import { parseKey } from '../music/key-names.js';
import { hasKey, keyGateFeatures, keyProbability, type KeyEvidence } from './key-gate.js';
import type { Tonality } from './tonality.js';

/** Pitch-class shares with `shares[pc]` given and the rest 0. */
const classes = (shares: Record<number, number>) =>
  Array.from({ length: 12 }, (_, pc) => shares[pc] ?? 0);

/** A chord loop in A minor as the tonality reads it: three notes, its energy on A, C and E. */
const chordLoop: Tonality = {
  notes: 3,
  harmonicNotes: 3,
  tonalRatio: 0.3,
  pitchClasses: classes({ 9: 0.45, 0: 0.3, 4: 0.25 }),
  tuningCents: 0,
  referenceCents: 0,
};

const evidence = (over: Partial<KeyEvidence> = {}): KeyEvidence => ({
  key: parseKey('A minor')!,
  confidence: 0.8,
  tonality: chordLoop,
  durationS: 8,
  shape: 'music',
  ...over,
});

describe('key gate', () => {
  it('reads the energy on the named key: all of it on its scale and most on its triad', () => {
    const [, , , , , , , , , , scale, triad] = keyGateFeatures(evidence());
    expect(scale).toBeCloseTo(1, 6);
    expect(triad).toBeCloseTo(1, 6);
    const [, , , , , , , , , , offScale] = keyGateFeatures(
      evidence({ key: parseKey('Bb minor')! }),
    );
    expect(offScale).toBeCloseTo(0.3, 6); // only C (the 2nd of Bb minor) lies on its scale
  });

  it('passes a chord loop, and a chord stab only on the key its energy lies on', () => {
    expect(hasKey(evidence())).toBe(true);
    const stab = { shape: 'stab', durationS: 1.5, confidence: 0.75 } as const;
    expect(hasKey(evidence(stab))).toBe(true);
    expect(hasKey(evidence({ ...stab, key: parseKey('Bb minor')! }))).toBe(false);
  });

  it('trusts the extractor more as its strength grows, most where little is sustained', () => {
    const weak = keyProbability(evidence({ confidence: 0.5 }));
    const strong = keyProbability(evidence({ confidence: 0.9 }));
    expect(strong).toBeGreaterThan(weak);
    // A drum loop with a tuned kick: two notes, 3 % of its energy sustained.
    const tunedKick: Tonality = { ...chordLoop, notes: 2, harmonicNotes: 0, tonalRatio: 0.03 };
    expect(hasKey(evidence({ tonality: tunedKick, confidence: 0.6 }))).toBe(false);
  });

  it('keeps a lone note keyless and a drum whose modes fall on no scale', () => {
    // One sustained note: its harmonics' pitch classes (the fifth) and nothing else.
    const note: Tonality = {
      notes: 1,
      harmonicNotes: 1,
      tonalRatio: 0.4,
      pitchClasses: classes({ 7: 0.8, 2: 0.2 }),
      tuningCents: 0,
      referenceCents: 0,
    };
    expect(hasKey(evidence({ tonality: note, key: parseKey('G major')!, shape: 'stab' }))).toBe(
      false,
    );
    // Ringing modes of a membrane: several "notes" of no harmonic kin, little sustained energy.
    const drum: Tonality = {
      notes: 4,
      harmonicNotes: 0,
      tonalRatio: 0.02,
      pitchClasses: classes({ 3: 0.25, 7: 0.25, 8: 0.25, 9: 0.25 }),
      tuningCents: 0,
      referenceCents: 0,
    };
    expect(hasKey(evidence({ tonality: drum, key: parseKey('Ab major')!, shape: 'stab' }))).toBe(
      false,
    );
  });
});
