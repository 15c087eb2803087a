import { describe, expect, it } from 'vitest';
import { estimateTempo, MIN_TEMPO_CONFIDENCE } from './index.js';
import {
  arrangement,
  chordChanges,
  drumPattern,
  GROOVES,
  mixInto,
  padWithSilence,
  pianoNote,
  renderVoice,
  sustainedChord,
  whiteNoise,
  normalise,
} from './test-signals.js';

const SR = 11025;

function loop(
  bpm: number,
  beats: number,
  pattern: Parameters<typeof drumPattern>[0]['pattern'],
  swing8 = 0,
): Float32Array {
  return drumPattern({ bpm, beats, sampleRate: SR, pattern, swing8 });
}

describe('estimateTempo: octave a producer writes', () => {
  it.each([
    ['four on the floor', 124, GROOVES.fourOnTheFloor, 0],
    ['house', 128, GROOVES.fourOnTheFloor, 0],
    ['hip-hop, swung hats, syncopated kick', 90, GROOVES.hipHop, 1 / 3],
    ['half-time trap, 8th hats', 140, GROOVES.halfTimeTrap8, 0],
    ['half-time trap, 16th hats', 140, GROOVES.halfTimeTrap16, 0],
    ['drum and bass breakbeat', 174, GROOVES.drumAndBass, 0],
    ['slow rock groove, 8th hats', 60, GROOVES.rock, 0],
    ['lo-fi, kicks on the off-beat 8ths', 78, GROOVES.lofi, 0],
    ['boom bap, syncopated kicks', 88, GROOVES.boomBap, 0],
    ['boom bap, swung', 92, GROOVES.boomBap, 1 / 3],
    ['hip-hop at 70 with 8th hats', 70, GROOVES.hipHop, 0],
    ['a kick on every beat and nothing else', 120, { kick: 'x...' }, 0],
    ['a kick on every beat at 100', 100, { kick: 'x...' }, 0],
  ] as const)('%s at %d BPM (4-bar loop)', (_name, bpm, pattern, swing) => {
    const result = estimateTempo(loop(bpm, 16, pattern, swing), SR);
    expect(result.bpm).toBeCloseTo(bpm, 1);
    expect(result.loopBeats).toBe(16);
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_TEMPO_CONFIDENCE);
  });
});

describe('estimateTempo: a half-time groove not cut to its bars', () => {
  // No clip length to lean on, and no steady pulse at its own beat: the octave model's sure
  // choice of the faster octave stands on the slower octave's pulse.
  it.each([140, 145, 152])('half-time trap with soft hats at %d BPM', (bpm) => {
    const clip = drumPattern({
      bpm,
      beats: 15.3,
      sampleRate: SR,
      pattern: GROOVES.halfTimeTrapSoftHats,
      jitterS: 0.004,
    });
    const result = estimateTempo(clip, SR);
    expect(Math.abs((result.bpm ?? 0) - bpm)).toBeLessThan(1);
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_TEMPO_CONFIDENCE);
  });
});

describe('estimateTempo: a loop exported with its last hits left to ring', () => {
  // Not cut to whole beats, and dying away by far more than a loop over the whole clip: weighed
  // up to one beat after its last hit, it holds its level like the loop it is.
  it.each([
    [120, 8, 2.5],
    [140, 16, 3],
  ])('%d BPM, %d beats, then %s s of ringing crash and snare', (bpm, beats, ringS) => {
    const groove = drumPattern({
      bpm,
      beats,
      sampleRate: SR,
      pattern: { ...GROOVES.rock, crash: 'x...............' },
    });
    const clip = new Float32Array(groove.length + Math.round(ringS * SR));
    clip.set(groove);
    mixInto(clip, renderVoice('crash', SR, 3), (beats - 4) * (60 / bpm) * SR, 0.9);
    mixInto(clip, renderVoice('snare', SR, 4), (beats - 1) * (60 / bpm) * SR, 0.9);
    const result = estimateTempo(clip, SR);
    expect(Math.abs((result.bpm ?? 0) - bpm)).toBeLessThan(1);
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_TEMPO_CONFIDENCE);
  });
});

describe('estimateTempo: exact loops', () => {
  it.each([
    [124, 4],
    [124, 8],
    [124, 16],
    [92.5, 8],
    [123.7, 16],
    [97.3, 4],
    // One bar at 60 reads as two at 120 (the octave model takes loops of one bar to be rarer
    // than loops of two); four bars at 60 stay at 60.
    [60, 16],
  ])('%d BPM cut to %d beats reads the exact tempo from its length', (bpm, beats) => {
    const result = estimateTempo(loop(bpm, beats, GROOVES.rock), SR);
    expect(result.loopBeats).toBe(beats);
    expect(Math.abs((result.bpm ?? 0) - bpm)).toBeLessThan(0.1);
  });

  it('keeps the tempo when 0.4 s of silence pads both ends', () => {
    const result = estimateTempo(padWithSilence(loop(124, 8, GROOVES.fourOnTheFloor), SR, 0.4), SR);
    expect(Math.abs((result.bpm ?? 0) - 124)).toBeLessThan(1);
    expect([null, 8]).toContain(result.loopBeats);
  });

  it('works at other sample rates', () => {
    const result = estimateTempo(
      drumPattern({ bpm: 126, beats: 8, sampleRate: 44100, pattern: GROOVES.rock }),
      44100,
    );
    expect(result.bpm).toBeCloseTo(126, 1);
    expect(result.loopBeats).toBe(8);
  });
});

describe('estimateTempo: tracks', () => {
  it.each([
    [97.3, 40],
    [123.7, 40],
    [97.3, 20],
  ])('finds %d BPM in a %d s clip that is not a loop, within 0.5 BPM', (bpm, seconds) => {
    const beats = (bpm * seconds) / 60 + 0.37;
    const result = estimateTempo(loop(bpm, beats, GROOVES.rock), SR);
    expect(result.loopBeats).toBeNull();
    expect(Math.abs((result.bpm ?? 0) - bpm)).toBeLessThan(0.5);
  });

  it('finds 100 BPM in a 60 s arrangement with a fill and a breakdown', () => {
    const result = estimateTempo(arrangement(100, SR, 25), SR);
    expect(result.loopBeats).toBeNull();
    expect(Math.abs((result.bpm ?? 0) - 100)).toBeLessThan(0.5);
  });
});

describe('estimateTempo: sustained chords, no pulse between their changes', () => {
  const evenly = (durationS: number, changes: number) =>
    Array.from({ length: changes }, (_, k) => (k * durationS) / changes);

  it.each([
    [121, 4],
    [85, 4],
    [128, 8],
  ])('%d BPM, one chord a bar over %d bars, reads the tempo from the changes', (bpm, bars) => {
    const durationS = (bars * 4 * 60) / bpm;
    const result = estimateTempo(chordChanges(durationS, evenly(durationS, bars), SR), SR);
    expect(result.bpm).toBeCloseTo(bpm, 1);
    expect(result.loopBeats).toBe(bars * 4);
    // A tempo to check by ear: the octave rests on one chord a bar.
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_TEMPO_CONFIDENCE);
    expect(result.confidence).toBeLessThan(0.5);
  });

  it.each([
    ['changes that do not divide the clip evenly', [0, 1.5, 4, 6]],
    ['three changes', [0, 2.64, 5.29]],
    ['a first change late in the clip', [0.4, 2.38, 4.36, 6.34]],
  ])('gives no tempo for %s', (_name, changes) => {
    const result = estimateTempo(chordChanges(7.93, changes, SR), SR);
    expect(result.bpm).toBeNull();
  });
});

describe('estimateTempo: a chord held through a loop cut to whole bars', () => {
  /** One chord held over `bars` of 4/4, pushed softly on each beat (an organ or pad played on). */
  const heldChord = (bpm: number, bars: number, fadeOutS = 0) => {
    const durationS = (bars * 4 * 60) / bpm;
    const out = chordChanges(durationS, [0], SR);
    const beat = (60 / bpm) * SR;
    for (let i = 0; i < out.length; i++) {
      const sinceBeat = (i % beat) / SR;
      const push = 0.8 + 0.2 * Math.min(1, sinceBeat / 0.01) * Math.exp(-sinceBeat * 8);
      const fade = fadeOutS > 0 ? Math.min(1, (out.length - i) / (fadeOutS * SR)) : 1;
      out[i]! *= push * fade;
    }
    return out;
  };

  it.each([
    [96, 4],
    [85, 4],
  ])('%d BPM over %d bars reads the tempo, to check by ear', (bpm, bars) => {
    const result = estimateTempo(heldChord(bpm, bars), SR);
    expect(result.bpm).toBeCloseTo(bpm, 0);
    expect(result.loopBeats).toBe(bars * 4);
    expect(result.confidence).toBeGreaterThanOrEqual(MIN_TEMPO_CONFIDENCE);
    expect(result.confidence).toBeLessThan(0.5);
  });

  it('gives no tempo to the same chord dying away (a one-shot)', () => {
    expect(estimateTempo(heldChord(96, 4, 4), SR).bpm).toBeNull();
  });
});

describe('estimateTempo: a clip that swells or dies away is not a loop', () => {
  /** `source` under a level that follows `gain` over time (seconds), peak-normalised. */
  const shaped = (source: Float32Array, gain: (t: number) => number) =>
    normalise(
      source.map((v, i) => v * gain(i / SR)),
      0.9,
    );
  const beat = 60 / 160;
  /** A chord swelling a little on each beat of 160 BPM, over 3 s (8 beats exactly). */
  const pushedChord = (decayPerS: number) =>
    shaped(
      chordChanges(3, [0], SR),
      (t) => Math.exp(-t * decayPerS) * (0.6 + 0.4 * Math.exp(-(t % beat) * 12)),
    );

  it('reads 160 BPM in the chord held level', () => {
    const result = estimateTempo(pushedChord(0), SR);
    expect(result.bpm).toBeCloseTo(160, 1);
    expect(result.loopBeats).toBe(8);
  });

  it('gives no tempo to the chord dying away by 34 dB (a pad one-shot)', () => {
    expect(estimateTempo(pushedChord(1.3), SR).bpm).toBeNull();
  });

  it('gives no tempo to noise swelling by 42 dB, pushed on each 8th (a riser)', () => {
    const riser = shaped(
      whiteNoise(3, SR, 0.5, 5),
      (t) => Math.exp(t * 1.6) * (0.7 + 0.3 * Math.exp(-(t % (beat / 2)) * 10)),
    );
    expect(estimateTempo(riser, SR).bpm).toBeNull();
  });
});

/**
 * Sines held for `durationS`, faded in over 0.5 s and out over the last second, peak-normalised:
 * a drone. The fades are even in dB, from -100 dB (as sox's default fade): no attack stands out.
 */
function heldTones(freqsHz: number[], durationS: number): Float32Array {
  const out = new Float32Array(Math.round(durationS * SR));
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    let v = 0;
    for (const f of freqsHz) v += Math.sin(2 * Math.PI * f * t);
    out[i] = v * 10 ** (-5 * (1 - Math.max(0, Math.min(1, t / 0.5, durationS - t))));
  }
  return normalise(out, 0.9);
}

describe('estimateTempo: no pulse', () => {
  it.each([
    ['a kick', renderVoice('kick', SR)],
    ['a clap', renderVoice('clap', SR)],
    ['a 4 s crash', normalise(renderVoice('crash', SR), 0.9)],
    ['a piano note', pianoNote(3, SR)],
    ['a sustained chord', sustainedChord(8, SR)],
    // Held tones whose partials beat in the envelope's bands: a steady rate, but no attack.
    ['a drone of 55 and 110 Hz', heldTones([55, 110], 8)],
    ['a drone of a fifth, 110 and 165 Hz', heldTones([110, 165], 8)],
    ['silence', new Float32Array(4 * SR)],
    ['white noise (2 s)', whiteNoise(2, SR)],
    ['white noise (20 s)', whiteNoise(20, SR)],
    ['DC', new Float32Array(4 * SR).fill(0.5)],
    ['5 ms', loop(120, 0.01, GROOVES.rock)],
    ['empty', new Float32Array(0)],
  ])('%s gives bpm null', (_name, samples) => {
    const result = estimateTempo(samples, SR);
    expect(result.bpm).toBeNull();
    expect(result.loopBeats).toBeNull();
    expect(result.confidence).toBeLessThan(MIN_TEMPO_CONFIDENCE);
  });

  it('does not throw on a bad sample rate or non-finite samples', () => {
    expect(estimateTempo(loop(120, 8, GROOVES.rock), 0).bpm).toBeNull();
    expect(estimateTempo(new Float32Array(1000).fill(Number.NaN), SR).bpm).toBeNull();
  });
});
