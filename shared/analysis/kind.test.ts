import { describe, expect, it } from 'vitest';
import { classifyKind } from './kind.js';

describe('classifyKind', () => {
  it.each([
    [0.1, null, 'oneshot'],
    [0.8, 120, 'oneshot'],
    [2.5, null, 'oneshot'],
    [1.5, 120, 'oneshot'], // three beats: a fill or a hit with echoes, not a loop
    [2, 120, 'loop'],
    [16, 90, 'loop'],
    [29.9, 128, 'loop'],
    [30, 128, 'track'],
    [240, null, 'track'],
  ] as const)('%s s at %s BPM is a %s', (durationS, bpm, kind) => {
    expect(classifyKind(durationS, bpm)).toBe(kind);
  });
});
