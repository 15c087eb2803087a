import type { Featured } from './featured.js';
import type { RenderBatch } from './render-batch.js';
import { atTempo, loopNotes, trackNotes, type BeatNote } from './sequences.js';
import type { SetPlan } from './set-plan.js';
import type { SetSize } from './set-size.js';

const BASS_PROGRAMS = [33, 34, 38];
const LEAD_PROGRAMS = [0, 4, 11, 24, 56, 73, 80, 81];
/** Tempo changes rendered from the MIDI (a real re-performance, not a time stretch). */
const TEMPO_FACTORS = [1.04, 0.96];
/** Tracks longer than this get no rendered tempo variants (time). */
const TEMPO_VARIANTS_MAX_S = 180;

const pick = <T>(rng: () => number, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)]!;

/**
 * Plans seeded loops (1-2 bars, 2-8 s) and tracks rendered from generated sequences, each with
 * renders at ±4 % tempo (tempo negatives), spread over the sound sets. Returns them as
 * featured originals.
 */
export function planSequenceOriginals(
  plan: SetPlan,
  batches: RenderBatch[],
  size: SetSize,
  rng: () => number,
): Featured[] {
  const featured: Featured[] = [];
  plan.addSources(Array.from({ length: size.loops }, (_, i) => `seq/loop-${i}`));
  plan.addSources(size.trackSeconds.map((_, i) => `seq/track-${i}`));
  const add = (
    source: string,
    stem: string,
    notes: BeatNote[],
    bpm: number,
    shape: Featured['shape'],
    tempoVariants: boolean,
  ) => {
    const batch = batches[featured.length % batches.length]!;
    const programs = { 0: pick(rng, BASS_PROGRAMS), 1: pick(rng, LEAD_PROGRAMS), 9: 0 };
    const render = (factor: number, name: string) =>
      batch.add(plan, source, `${stem}-${batch.set.name}-${name}`, {
        notes: atTempo(notes, bpm * factor),
        programs,
        tailS: 1,
      });
    const main = render(1, `${bpm}bpm`);
    if (tempoVariants) {
      for (const factor of TEMPO_FACTORS) {
        const sign = factor > 1 ? '+' : '-';
        const percent = Math.round(Math.abs(factor - 1) * 100);
        plan.pair(
          main,
          render(factor, `tempo${sign}${percent}pc`),
          'not-same',
          'tempo',
          `${stem} rendered at ${sign}${percent} % tempo`,
        );
      }
    }
    featured.push({ path: main, shape, repitch: shape === 'loop', temposRendered: tempoVariants });
  };
  for (let i = 0; i < size.loops; i++) {
    const bpm = 85 + Math.floor(rng() * 56);
    const bars = bpm > 110 ? 2 : 1 + Math.floor(rng() * 2);
    add(`seq/loop-${i}`, `loop${i}`, loopNotes(rng, bars, rng() < 0.6), bpm, 'loop', true);
  }
  size.trackSeconds.forEach((seconds, i) => {
    const bpm = 90 + Math.floor(rng() * 40);
    add(
      `seq/track-${i}`,
      `track${i}-${seconds}s`,
      trackNotes(rng, bpm, seconds),
      bpm,
      'track',
      seconds <= TEMPO_VARIANTS_MAX_S,
    );
  });
  return featured;
}
