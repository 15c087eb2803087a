import type { MidiNote } from './midi-file.js';

/** A note placed in beats; {@link atTempo} turns it into seconds. */
export type BeatNote = Omit<MidiNote, 'startS' | 'lengthS'> & { beat: number; beats: number };

const DRUMS = 9;
const KICK = 36;
const SNARE = 38;
const CLOSED_HAT = 42;
const OPEN_HAT = 46;
const CRASH = 49;

/** The notes at `bpm` beats per minute. */
export function atTempo(notes: BeatNote[], bpm: number): MidiNote[] {
  const s = 60 / bpm;
  return notes.map(({ beat, beats, ...n }) => ({ ...n, startS: beat * s, lengthS: beats * s }));
}

const pick = <T>(rng: () => number, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)]!;

/** A bar of drums (4 beats, 16 steps) with seeded variations: kick, snare, hats. */
function drumBar(rng: () => number, startBeat: number, fill: boolean): BeatNote[] {
  const notes: BeatNote[] = [];
  const hit = (step: number, note: number, velocity: number) =>
    notes.push({ beat: startBeat + step / 4, beats: 0.2, channel: DRUMS, note, velocity });
  for (let step = 0; step < 16; step++) {
    if (step % 8 === 0 || (rng() < 0.2 && step % 2 === 0))
      hit(step, KICK, 100 + Math.floor(rng() * 20));
    if (step % 8 === 4 || (fill && step >= 12 && rng() < 0.6))
      hit(step, SNARE, 90 + Math.floor(rng() * 30));
    if (step % 2 === 0) hit(step, rng() < 0.1 ? OPEN_HAT : CLOSED_HAT, 60 + Math.floor(rng() * 40));
  }
  return notes;
}

const SCALES = [
  [0, 2, 4, 5, 7, 9, 11],
  [0, 2, 3, 5, 7, 8, 10],
  [0, 3, 5, 7, 10],
];

/** A bar of bass and melody on channels 0 (bass) and 1 (lead) in a scale from `root`. */
function tonalBar(rng: () => number, startBeat: number, root: number, scale: number[]): BeatNote[] {
  const notes: BeatNote[] = [];
  const degree = (d: number) => root + 12 * Math.floor(d / scale.length) + scale[d % scale.length]!;
  const chord = pick(rng, [0, 3, 4, 5]);
  for (let beat = 0; beat < 4; beat += pick(rng, [0.5, 1])) {
    notes.push({
      beat: startBeat + beat,
      beats: 0.45,
      channel: 0,
      note: degree(chord) - 24,
      velocity: 95,
    });
  }
  for (let beat = 0; beat < 4;) {
    const beats = pick(rng, [0.25, 0.5, 0.5, 1, 1.5]);
    if (rng() < 0.85) {
      const note = degree(chord + Math.floor(rng() * 7));
      notes.push({
        beat: startBeat + beat,
        beats: beats * 0.9,
        channel: 1,
        note,
        velocity: 70 + Math.floor(rng() * 40),
      });
    }
    beat += beats;
  }
  return notes;
}

/** A seeded loop of `bars` bars: drums, or drums with bass and lead. */
export function loopNotes(rng: () => number, bars: number, tonal: boolean): BeatNote[] {
  const root = 48 + Math.floor(rng() * 12);
  const scale = pick(rng, SCALES);
  const notes: BeatNote[] = [];
  for (let bar = 0; bar < bars; bar++) {
    notes.push(...drumBar(rng, bar * 4, bar === bars - 1));
    if (tonal) notes.push(...tonalBar(rng, bar * 4, root, scale));
  }
  return notes;
}

/**
 * A seeded track of about `seconds` at `bpm`: sections of 8 bars (each a repeated 2-bar
 * phrase with its own variations), a crash at each section start.
 */
export function trackNotes(rng: () => number, bpm: number, seconds: number): BeatNote[] {
  const bars = Math.max(1, Math.round((seconds * bpm) / 60 / 4));
  const root = 45 + Math.floor(rng() * 12);
  const scale = pick(rng, SCALES);
  const notes: BeatNote[] = [];
  let phrase: BeatNote[] = [];
  for (let bar = 0; bar < bars; bar += 2) {
    if (bar % 8 === 0) {
      phrase = [...tonalBar(rng, 0, root, scale), ...tonalBar(rng, 4, root, scale)];
      notes.push({ beat: bar * 4, beats: 1, channel: DRUMS, note: CRASH, velocity: 110 });
    }
    for (const n of phrase)
      if (n.beat + bar * 4 < bars * 4) notes.push({ ...n, beat: n.beat + bar * 4 });
    for (let b = bar; b < Math.min(bars, bar + 2); b++)
      notes.push(...drumBar(rng, b * 4, b % 8 === 7));
  }
  return notes;
}
