import { describe, expect, it } from 'vitest';
import { classifyKind } from './kind.js';

describe('classifyKind', () => {
  it.each([
    [0.1, null, null, 'oneshot'],
    [0.8, 120, null, 'oneshot'],
    [2.5, null, null, 'oneshot'],
    [1.5, 120, null, 'oneshot'], // three beats: a fill or a hit with echoes, not a loop
    [2, 120, 4, 'loop'],
    [16, 90, null, 'loop'],
    [29.9, 128, 64, 'loop'],
    [25, 70, null, 'track'], // a short song with a tail, not cut to whole beats
    [30, 128, null, 'track'],
    [240, null, null, 'track'],
  ] as const)('%s s at %s BPM (loop of %s beats) is a %s', (durationS, bpm, loopBeats, kind) => {
    expect(classifyKind(durationS, bpm, loopBeats)).toBe(kind);
  });
});
