import { levelAt, type SoundInfo } from './inspect-sound.js';
import { runTool } from './processes.js';
import type { NegativeKind } from './set-labels.js';

/** A transform that makes another sound from an original: an edit, a re-pitch, a tempo change. */
export interface NegativeVariant {
  name: string;
  kind: NegativeKind;
  /** sox effects for the original's measures. */
  effects: (info: SoundInfo) => string[];
  /** For edits: where the sound starts to differ from the original, in s. */
  changeS?: (info: SoundInfo) => number;
}

const s = (seconds: number) => seconds.toFixed(4);

/** Edits of a hit: another length, decay or fade, cut inside its audible part. */
export const EDITS: NegativeVariant[] = [
  {
    name: 'trim60',
    kind: 'edit',
    effects: (i) => ['trim', '0', s(0.6 * i.audibleS)],
    changeS: (i) => 0.6 * i.audibleS,
  },
  {
    name: 'trim60-fade',
    kind: 'edit',
    effects: (i) => ['trim', '0', s(0.6 * i.audibleS), 'fade', 't', '0', '-0', s(0.2 * i.audibleS)],
    changeS: (i) => 0.4 * i.audibleS,
  },
  {
    name: 'fadeout',
    kind: 'edit',
    effects: (i) => ['fade', 't', '0', s(i.audibleS), s(0.7 * i.audibleS)],
    changeS: (i) => 0.3 * i.audibleS,
  },
  {
    name: 'gain-4-trim75',
    kind: 'edit',
    effects: (i) => ['trim', '0', s(0.75 * i.audibleS), 'gain', '-4'],
    changeS: (i) => 0.75 * i.audibleS,
  },
];

/**
 * Where and how loud an edit changes the sound, for its pair's detail: the fingerprint works
 * below ~5 kHz, so a hi-hat's tail cut within 30 dB of its full-band peak may be invisible to it.
 */
export function describeChange(variant: NegativeVariant, info: SoundInfo): string {
  if (!variant.changeS) return '';
  const at = variant.changeS(info);
  return ` (changes at ${at.toFixed(3)} s of ${info.audibleS.toFixed(3)} s audible, ${levelAt(info, at).toFixed(1)} dB under the peak, full band)`;
}

/** Re-pitches that keep the length (sox WSOLA). */
export const REPITCHES: NegativeVariant[] = [
  { name: 'pitch+1st', kind: 'repitch', effects: () => ['pitch', '100'] },
  { name: 'pitch-1st', kind: 'repitch', effects: () => ['pitch', '-100'] },
  { name: 'pitch+2st', kind: 'repitch', effects: () => ['pitch', '200'] },
];

/** Tempo changes that keep the pitch. */
export const TEMPOS: NegativeVariant[] = [
  { name: 'tempo+4pc', kind: 'tempo', effects: () => ['tempo', '-m', '1.04'] },
  { name: 'tempo-4pc', kind: 'tempo', effects: () => ['tempo', '-m', '0.96'] },
];

/** Applies a variant with sox; the output is a WAV of the source's depth. */
export async function makeNegative(
  variant: NegativeVariant,
  info: SoundInfo,
  source: string,
  out: string,
): Promise<void> {
  await runTool('sox', [source, out, ...variant.effects(info)]);
}
