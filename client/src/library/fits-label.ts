import {
  formatBpmRange,
  harmonicFit,
  type HarmonicFit,
} from '../../../shared/music/harmonic-fit.js';

/** What the library page knows of a sound to fit with. */
export interface FitsSound {
  key: string | null;
  bpm: number | null;
}

/** Whether "Fits with this" can be offered for a sound: it has a key or a tempo. */
export function canFit(sound: FitsSound): boolean {
  const fit = harmonicFit(sound);
  return fit.keys !== null || fit.bpm_ranges !== null;
}

/** The chip's name of a fit: `"Fits 8A · 120 BPM"`, `"Fits 8A"`, `"Fits 120 BPM"`. */
export function fitsLabel(sound: FitsSound): string {
  const fit = harmonicFit(sound);
  const parts = [fit.camelot, fit.bpm_ranges ? `${sound.bpm} BPM` : null].filter(Boolean);
  return `Fits ${parts.join(' · ')}`;
}

/**
 * What a fit keeps, in words: `"A minor, C major, D minor or E minor; 57.6–62.4, 115.2–124.8
 * or 230.4–249.6 BPM"`.
 */
export function fitsDetail(fit: Pick<HarmonicFit, 'keys' | 'bpm_ranges'>): string {
  const either = (items: string[]) =>
    items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');
  return [
    fit.keys ? either(fit.keys) : null,
    fit.bpm_ranges ? `${either(fit.bpm_ranges.map(formatBpmRange))} BPM` : null,
  ]
    .filter(Boolean)
    .join('; ');
}
