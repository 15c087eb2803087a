import { describe, expect, it } from 'vitest';
import { harmonicFit } from '../../../shared/music/harmonic-fit.js';
import { canFit, fitsDetail, fitsLabel } from './fits-label.js';

describe('the fits chip', () => {
  it('names a fit by Camelot code and tempo, or by what the sound has', () => {
    expect(fitsLabel({ key: 'A minor', bpm: 120 })).toBe('Fits 8A · 120 BPM');
    expect(fitsLabel({ key: 'C major', bpm: null })).toBe('Fits 8B');
    expect(fitsLabel({ key: null, bpm: 174 })).toBe('Fits 174 BPM');
  });

  it('spells out the keys and tempo ranges kept', () => {
    expect(fitsDetail(harmonicFit({ key: 'A minor', bpm: 120 }))).toBe(
      'A minor, C major, D minor or E minor; 57.6–62.4, 115.2–124.8 or 230.4–249.6 BPM',
    );
    expect(fitsDetail(harmonicFit({ key: null, bpm: 100 }))).toBe('48–52, 96–104 or 192–208 BPM');
  });

  it('is offered only for a sound with a key or a tempo', () => {
    expect(canFit({ key: 'A minor', bpm: null })).toBe(true);
    expect(canFit({ key: null, bpm: 90 })).toBe(true);
    expect(canFit({ key: null, bpm: null })).toBe(false);
  });
});
