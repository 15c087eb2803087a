import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { formatKey } from '../music/key-names.js';
import { estimateKey, gateShape, type EssentiaKeyApi } from './key.js';
import type { GateShape } from './key-gate.js';
import { countNotes, measureTonality } from './tonality.js';

const SR = 11025;
const require = createRequire(import.meta.url);
const { EssentiaWASM, Essentia } = require('essentia.js') as {
  EssentiaWASM: unknown;
  Essentia: new (wasm: unknown) => EssentiaKeyApi;
};
const essentia = new Essentia(EssentiaWASM);

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/**
 * Chords (MIDI notes), one per `chordS`, as harmonic tones decaying by e^(-decay·t), every note
 * `cents` off equal temperament at A = 440 Hz.
 */
function progression(chords: number[][], chordS = 1, decay = 1.2, cents = 0): Float32Array {
  const out = new Float32Array(Math.round(chords.length * chordS * SR));
  chords.forEach((chord, c) => {
    const start = Math.round(c * chordS * SR);
    for (let i = 0; i < chordS * SR; i++) {
      const t = i / SR;
      let v = 0;
      for (const note of chord)
        for (let h = 1; h <= 4; h++)
          v += Math.sin(2 * Math.PI * hz(note + cents / 100) * h * t) / (h * h);
      out[start + i] = 0.12 * v * Math.exp(-t * decay);
    }
  });
  return out;
}

function drums(seconds: number): Float32Array {
  const out = new Float32Array(seconds * SR);
  let seed = 9;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < out.length; i++) {
    const t = (i % (SR / 2)) / SR;
    out[i] =
      Math.sin(2 * Math.PI * (50 + 120 * Math.exp(-t * 30)) * t) * Math.exp(-t * 10) * 0.6 +
      noise() * Math.exp(-(((i + SR / 4) % (SR / 2)) / SR) * 50) * 0.3;
  }
  return out;
}

/**
 * A ringing cymbal: 60 inharmonic partials spread over 300-5000 Hz, each with its own slow
 * decay, over a wash of decaying noise.
 */
function cymbal(seconds: number): Float32Array {
  let seed = 5;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const partials = Array.from({ length: 60 }, () => ({
    hz: 300 * (5000 / 300) ** random(),
    decay: 0.3 + random() * 0.8,
    phase: random() * 2 * Math.PI,
  }));
  const out = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    let v = (random() * 2 - 1) * 0.2 * Math.exp(-t * 0.8);
    for (const p of partials)
      v += 0.03 * Math.sin(2 * Math.PI * p.hz * t + p.phase) * Math.exp(-t * p.decay);
    out[i] = v;
  }
  return out;
}

const A_MINOR = [
  [57, 60, 64],
  [62, 65, 69],
  [56, 59, 64],
  [57, 60, 64],
]; // i iv V i (G# leading tone)
const E_MAJOR = [
  [52, 56, 59],
  [57, 61, 64],
  [59, 63, 66],
  [52, 56, 59],
]; // I IV V I

const keyName = (audio: Float32Array, shape: GateShape) => {
  const { key } = estimateKey(audio, SR, essentia, shape);
  return key && formatKey(key);
};

describe('key detection', () => {
  it.each([
    ['A minor', A_MINOR],
    ['E major', E_MAJOR],
  ])('reads %s from a cadence', (name, chords) => {
    const audio = progression([...chords, ...chords]);
    const estimate = estimateKey(audio, SR, essentia, 'music');
    expect(estimate.key && formatKey(estimate.key)).toBe(name);
    expect(estimate.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    ['A minor', 45, A_MINOR],
    ['A minor', -45, A_MINOR],
    ['E major', 40, E_MAJOR],
    ['E major', -40, E_MAJOR],
  ])('reads %s from a cadence tuned %d cents off A = 440 Hz', (name, cents, chords) => {
    const audio = progression([...chords, ...chords], 1, 1.2, cents);
    expect(keyName(audio, 'music')).toBe(name);
    const tonality = measureTonality(audio, SR);
    expect(Math.abs(tonality.tuningCents - cents)).toBeLessThan(6);
    // Notes are read against the measured tuning only when asked (music, not one-shots).
    expect(tonality.referenceCents).toBe(0);
    expect(measureTonality(audio, SR, undefined, true).referenceCents).toBe(tonality.tuningCents);
  });

  it('measures an in-tune cadence within a few cents of A = 440 Hz', () => {
    const audio = progression([...A_MINOR, ...A_MINOR]);
    expect(Math.abs(measureTonality(audio, SR).tuningCents)).toBeLessThan(4);
  });

  it('finds no key in drums, a single note, silence or noise', () => {
    expect(keyName(drums(4), 'music')).toBeNull();
    expect(keyName(progression([[60]], 1.5), 'stab')).toBeNull();
    expect(keyName(progression([[36]], 1.5), 'stab')).toBeNull();
    expect(keyName(new Float32Array(SR * 2), 'stab')).toBeNull();
    const noise = new Float32Array(SR * 2).map((_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    expect(keyName(noise, 'stab')).toBeNull();
  });

  it('finds a key in a one-shot chord stab but not in a 50 ms blip', () => {
    expect(keyName(progression([[62, 66, 69]], 0.8), 'stab')).toBe('D major');
    expect(keyName(progression([[57, 60, 64]], 0.8), 'stab')).toBe('A minor');
    expect(measureTonality(progression([[62, 66, 69]], 0.05), SR).notes).toBe(0);
  });

  it('finds the key of a short chord stab that dies within its first frames, not of a drum', () => {
    // 0.35 s falling 8.7 dB every 50 ms (a muted pluck): its partials outlast 2 frames, not 5.
    expect(keyName(progression([[62, 66, 69]], 0.35, 20), 'stab')).toBe('D major');
    expect(keyName(progression([[57, 60, 64]], 0.35, 20), 'stab')).toBe('A minor');
    expect(keyName(progression([[60]], 0.35, 20), 'stab')).toBeNull();
    // A drum's ringing modes (a membrane's first four, 1 : 1.59 : 2.14 : 2.30), dying as fast:
    // not a chord.
    const ring = new Float32Array(Math.round(0.35 * SR)).map((_, i) => {
      const t = i / SR;
      const modes = [1, 1.594, 2.136, 2.296].reduce(
        (v, m) => v + Math.sin(2 * Math.PI * 196 * m * t),
        0,
      );
      return 0.15 * modes * Math.exp(-t * 20);
    });
    expect(keyName(ring, 'stab')).toBeNull();
  });

  it('finds the key of a chord stab shorter than five frames (0.26 s), not of a note or a drum', () => {
    expect(keyName(progression([[62, 66, 69]], 0.26, 6), 'stab')).toBe('D major');
    expect(keyName(progression([[57, 60, 64]], 0.26, 6), 'stab')).toBe('A minor');
    expect(keyName(progression([[60]], 0.26, 6), 'stab')).toBeNull();
    expect(keyName(drums(1).subarray(0, Math.round(0.26 * SR)), 'stab')).toBeNull();
  });

  it('weighs a one-shot held for seconds as held: a chord keeps its key, a note or a cymbal gets none', () => {
    expect(gateShape('oneshot', 6)).toBe('held');
    expect(gateShape('oneshot', 1.5)).toBe('stab');
    expect(gateShape('loop', 6)).toBe('music');
    // A pad chord and a single note held 6 s, dying slowly.
    expect(keyName(progression([[62, 66, 69]], 6, 0.2), 'held')).toBe('D major');
    expect(keyName(progression([[57, 60, 64]], 6, 0.2), 'held')).toBe('A minor');
    expect(keyName(progression([[55]], 6, 0.2), 'held')).toBeNull();
    expect(keyName(cymbal(6), 'held')).toBeNull();
  });

  it('reports no key, not an exception, for audio too short to read', () => {
    expect(estimateKey(new Float32Array(100), SR, essentia, 'stab')).toEqual({
      key: null,
      confidence: 0,
    });
  });
});

describe('countNotes', () => {
  /** Energy by MIDI note of harmonic tones: partial h of each note at 1/h of its level. */
  function partials(notes: number[], missingFundamental = false): Float64Array {
    const out = new Float64Array(128);
    for (const note of notes)
      for (let h = missingFundamental ? 2 : 1; h <= 8; h++) {
        const midi = Math.round(note + 12 * Math.log2(h));
        if (midi < 128) out[midi]! += 1 / h;
      }
    return out;
  }

  it('counts a single note and its harmonics as one', () => {
    expect(countNotes(partials([45]))).toBe(1);
    expect(countNotes(partials([33], true))).toBe(1);
  });

  it('counts a triad as its root and third, the fifth being a harmonic of the root', () => {
    expect(countNotes(partials([60, 64, 67]))).toBe(2);
    expect(countNotes(partials([57, 60, 64]))).toBe(2);
  });

  it('counts nothing in silence and many notes in a cluster', () => {
    expect(countNotes(new Float64Array(128))).toBe(0);
    expect(countNotes(partials([60, 63, 66, 70]))).toBeGreaterThanOrEqual(3);
  });
});
