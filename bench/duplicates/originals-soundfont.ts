import type { Featured } from './featured.js';
import type { RenderBatch } from './render-batch.js';
import type { SetPlan } from './set-plan.js';
import type { SetSize } from './set-size.js';

/** Melodic GM programs with a clear attack and decay, of several families. */
const PROGRAMS = [0, 4, 11, 12, 24, 25, 33, 40, 46, 56, 65, 73, 81, 105];
/** GM drum kits (channel 10 programs). */
const DRUM_KITS = [0, 16, 25, 40, 8];
/** GM drum notes: kick, snare, closed hat, open hat, crash, clap, low tom, ride, side stick. */
const DRUM_NOTES = [36, 38, 42, 46, 49, 39, 45, 51, 37];
const VELOCITIES = [50, 85, 120];
const FEATURED_VELOCITY = 85;
const NOTE_S = 0.8;
const TAIL_S = 1.5;

const shuffled = <T>(items: readonly T[], rng: () => number): T[] =>
  items
    .map((item) => ({ item, key: rng() }))
    .sort((a, b) => a.key - b.key)
    .map((k) => k.item);

/**
 * Plans one-shot notes of melodic programs (three velocities, left to the label guard; a
 * semitone and a tone up: re-pitch negatives; other programs on the same note, the same
 * program in other sound sets) and drum hits of the GM kits (three velocities, other notes, the same note in
 * other kits and sound sets).
 * Returns the featured originals (the notes at velocity 85).
 */
export function planSoundfontOriginals(
  plan: SetPlan,
  batches: RenderBatch[],
  size: SetSize,
  rng: () => number,
): Featured[] {
  const featured: Featured[] = [];
  const drumsByKey = new Map<string, KitSound[]>();
  // timidity's freepats hold one kit: others would fall back to it.
  const kitsOf = (batch: RenderBatch) =>
    DRUM_KITS.slice(0, batch.set.engine === 'timidity' ? 1 : size.drumKits);
  // A source is a program (or kit) in every sound set: soundfonts derived from one another
  // share samples, which must stay in one split.
  plan.addSources(PROGRAMS.map((program) => `sf/program-${program}`));
  plan.addSources(DRUM_KITS.map((kit) => `sf/drums-${kit}`));
  const programs = shuffled(PROGRAMS, rng).slice(0, size.programs);
  const noteOf = new Map(programs.map((program) => [program, 55 + Math.floor(rng() * 12)]));
  const programsByKey = new Map<string, KitSound[]>();
  for (const batch of batches) {
    const { name: set, lineage } = batch.set;
    let previous: { program: number; path: string } | null = null;
    for (const program of programs) {
      const source = `sf/program-${program}`;
      const note = noteOf.get(program)!;
      const render = (n: number, velocity: number) => {
        const path = batch.add(plan, source, `${set}-p${program}-n${n}-v${velocity}`, {
          notes: [{ startS: 0, lengthS: NOTE_S, channel: 0, note: n, velocity }],
          programs: { 0: program },
          tailS: TAIL_S,
        });
        const sound = { label: set, path, lineage };
        otherKits(
          plan,
          programsByKey,
          `${program}/${n}/${velocity}`,
          sound,
          `program ${program} note ${n} velocity ${velocity}`,
        );
        return path;
      };
      const byVelocity = VELOCITIES.map((v) => render(note, v));
      pairsOfVelocities(plan, byVelocity, `${set} program ${program}`);
      const main = byVelocity[VELOCITIES.indexOf(FEATURED_VELOCITY)]!;
      for (const step of [1, 2]) {
        plan.pair(
          main,
          render(note + step, FEATURED_VELOCITY),
          'not-same',
          'repitch',
          `${set} program ${program}: note +${step}`,
        );
      }
      if (previous) {
        plan.pair(
          previous.path,
          main,
          'not-same',
          'other-instrument',
          `${set}: program ${previous.program} vs ${program}, note ${note}`,
        );
      }
      previous = { program, path: main };
      featured.push({ path: main, shape: 'hit', repitch: false });
    }

    for (const kit of kitsOf(batch)) {
      const source = `sf/drums-${kit}`;
      let previousHit: string | null = null;
      for (const drum of DRUM_NOTES.slice(0, size.drumNotes)) {
        const byVelocity = VELOCITIES.map((velocity) => {
          const path = batch.add(plan, source, `${set}-kit${kit}-n${drum}-v${velocity}`, {
            notes: [{ startS: 0, lengthS: 0.2, channel: 9, note: drum, velocity }],
            programs: { 9: kit },
            tailS: TAIL_S,
          });
          const sound = { label: `${set} kit ${kit}`, path, lineage };
          otherKits(
            plan,
            drumsByKey,
            `${drum}/${velocity}`,
            sound,
            `note ${drum} velocity ${velocity}`,
          );
          return path;
        });
        pairsOfVelocities(plan, byVelocity, `${set} kit ${kit} note ${drum}`);
        const main = byVelocity[VELOCITIES.indexOf(FEATURED_VELOCITY)]!;
        if (previousHit)
          plan.pair(
            previousHit,
            main,
            'not-same',
            'other-instrument',
            `${set} kit ${kit}: another drum before note ${drum}`,
          );
        previousHit = main;
        featured.push({ path: main, shape: 'hit', repitch: true });
      }
    }
  }
  return featured;
}

interface KitSound {
  label: string;
  path: string;
  lineage: string;
}

/**
 * Pairs a sound with the same piece of every kit or sound set seen before it (uncertain
 * between sets of one lineage: they may share the sample), then remembers it.
 */
function otherKits(
  plan: SetPlan,
  seen: Map<string, KitSound[]>,
  key: string,
  sound: KitSound,
  what: string,
): void {
  const others = seen.get(key) ?? [];
  for (const other of others) {
    const detail = `${what}: ${other.label} vs ${sound.label}`;
    plan.pair(
      other.path,
      sound.path,
      'not-same',
      'other-kit',
      detail,
      other.lineage !== sound.lineage,
    );
  }
  others.push(sound);
  seen.set(key, others);
}

/**
 * Pairs the renders of one note at each velocity, as uncertain: a soundfont mostly plays one
 * sample at every velocity (gain and filter), and timidity renders noise afresh each time, so
 * only the label guard can tell; real velocity layers come from the Hydrogen kits.
 */
function pairsOfVelocities(plan: SetPlan, paths: string[], what: string): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      plan.pair(
        paths[i]!,
        paths[j]!,
        'not-same',
        'velocity-layer',
        `${what}: velocity ${VELOCITIES[i]} vs ${VELOCITIES[j]} (rendered)`,
        false,
      );
    }
  }
}
