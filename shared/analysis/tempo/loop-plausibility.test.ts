import { describe, expect, it } from 'vitest';
import type { LevelShape } from './level-shape.js';
import { clipAllowsLoop } from './loop-plausibility.js';

describe('clipAllowsLoop', () => {
  const weak = { confidence: 0.35, loopBeats: 4 };
  const strong = { ...weak, confidence: 0.9 };
  const flat: LevelShape = { startDb: 0, endDb: -3, trendDb: -1 };
  /** A clip of `shape` with `onsets` strong onsets, sparse as attacks are unless told. */
  const clip = (shape: LevelShape | null, onsets: number, onsetDensity = 0.05) => ({
    shape,
    onsets,
    onsetDensity,
  });

  it('lets a weak tempo stand on a clip whose level holds', () => {
    expect(clipAllowsLoop(weak, clip(flat, 1), 2.5)).toBe(true);
  });

  it('refuses a weak tempo to a clip that swells or dies away by more than 15 dB', () => {
    expect(clipAllowsLoop(weak, clip({ ...flat, trendDb: 20 }, 8), 2.5)).toBe(false);
    expect(clipAllowsLoop(weak, clip({ ...flat, trendDb: -20 }, 8), 2.5)).toBe(false);
  });

  it('refuses a tempo from length alone to a single attack left to ring out (a chord stab)', () => {
    const ringing = { ...flat, endDb: -38 };
    expect(clipAllowsLoop(weak, clip(ringing, 1), 2.5)).toBe(false);
    // A fade of a few milliseconds against a click is still a cut.
    expect(clipAllowsLoop(weak, clip({ ...flat, endDb: -12 }, 1), 2.5)).toBe(true);
    // With onsets enough for a pulse, the end of the clip does not decide.
    expect(clipAllowsLoop(weak, clip(ringing, 5), 2.5)).toBe(true);
  });

  it('refuses a weak or uncut tempo to a clip whose onsets are too dense to be attacks', () => {
    // A quarter of the frames rising as much as the strongest: a held sound's beating partials.
    expect(clipAllowsLoop(weak, clip(flat, 40, 0.25), 8)).toBe(false);
    expect(clipAllowsLoop({ ...strong, loopBeats: null }, clip(flat, 40, 0.25), 8)).toBe(false);
    // The densest loops read right on the rendered libraries stay under the limit.
    expect(clipAllowsLoop(weak, clip(flat, 40, 0.14), 8)).toBe(true);
    // A strong pulse cut to whole beats stands whatever the density.
    expect(clipAllowsLoop(strong, clip(flat, 40, 0.25), 8)).toBe(true);
  });

  it('leaves a strong pulse cut to whole beats, and clips longer than a loop, alone', () => {
    expect(clipAllowsLoop(strong, clip({ ...flat, trendDb: -25 }, 8), 2.5)).toBe(true);
    expect(clipAllowsLoop(weak, clip({ ...flat, trendDb: -25 }, 8, 0.3), 40)).toBe(true);
    // A strong pulse in a short clip not cut to whole beats is held to the level test.
    expect(
      clipAllowsLoop({ ...strong, loopBeats: null }, clip({ ...flat, trendDb: -25 }, 8), 2.5),
    ).toBe(false);
  });

  it('weighs a strong pulse not cut to whole beats up to where its last hits ring out', () => {
    const uncut = { ...strong, loopBeats: null };
    const ringing = { ...clip({ ...flat, trendDb: -40 }, 12), shapeUntilRingOut: flat };
    // A loop left to ring: level held up to a beat after its last hit, dying away after it.
    expect(clipAllowsLoop(uncut, ringing, 6)).toBe(true);
    // Attacks that die away themselves are refused as before.
    const fading = { ...ringing, shapeUntilRingOut: { ...flat, trendDb: -22 } };
    expect(clipAllowsLoop(uncut, fading, 6)).toBe(false);
    // A weak tempo is held to the whole clip.
    expect(clipAllowsLoop({ ...weak, loopBeats: null }, ringing, 6)).toBe(false);
  });
});
