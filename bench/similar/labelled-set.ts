import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { drumClassOf, readHydrogenKits } from '../duplicates/hydrogen-kits.js';
import { availableSoundSets, renderPieces, type RenderPiece } from '../duplicates/synth.js';

export type Split = 'development' | 'validation';

/** One labelled sound: its file, its class, what made it and which split it is in. */
export interface LabelledSound {
  file: string;
  /** kick, snare, hihat, tom, crash, ride… for drums; piano, bass, pad… for GM programs. */
  label: string;
  /** The instrument (a kit's instrument, a soundfont's program): its layers and notes. */
  source: string;
  split: Split;
}

/** Velocity layers kept per drum instrument (the loudest first): enough variety, a modest set. */
const LAYERS_PER_INSTRUMENT = 3;

/**
 * Classes by GM program family (program / 8). Chromatic percussion (celesta, glockenspiel…),
 * synth effects, ethnic, percussive and sound effects are left out: mixed families.
 */
const GM_FAMILIES: Partial<Record<number, string>> = {
  0: 'piano',
  2: 'organ',
  3: 'guitar',
  4: 'bass',
  5: 'strings',
  6: 'strings',
  7: 'brass',
  8: 'wind',
  9: 'wind',
  10: 'lead',
  11: 'pad',
};
/** Notes per family's register, and how long a note is held (s). */
const BASS_NOTES = [33, 40];
const OTHER_NOTES = [55, 64];
const HOLD_S: Record<string, number> = { piano: 1, guitar: 1, pad: 2.5, strings: 1.5 };
const TAIL_S = 0.8;

/**
 * Drum hits from the Hydrogen kits installed (hydrogen-drumkits, hydrogen-drumkits-effects),
 * class from each instrument's name; every other kit (by name order) is validation.
 */
async function drumSounds(): Promise<LabelledSound[]> {
  const kits = await readHydrogenKits();
  return kits.flatMap((kit, k) =>
    kit.instruments.flatMap((instrument): LabelledSound[] => {
      const label = drumClassOf(instrument.name);
      if (!label) return [];
      const layers = [...instrument.layers]
        .sort((a, b) => b.maxVelocity - a.maxVelocity)
        .slice(0, LAYERS_PER_INSTRUMENT);
      return layers.map((layer) => ({
        file: layer.file,
        label,
        source: `${kit.name}/${instrument.name}`,
        split: k % 2 === 0 ? 'development' : 'validation',
      }));
    }),
  );
}

/**
 * Notes of the GM programs of the families above, rendered dry with fluidsynth from each
 * soundfont installed (into `workDir`, once; kept for the next run). Soundfonts of the FluidR3
 * lineage (FluidR3, MuseScore General) are development, the others (TimGM6mb…) validation:
 * soundfonts of one lineage share samples, so they must stay in one split.
 */
async function programSounds(
  workDir: string,
  log: (line: string) => void,
): Promise<LabelledSound[]> {
  const sets = (await availableSoundSets()).filter((s) => s.engine === 'fluidsynth');
  const sounds: LabelledSound[] = [];
  await mkdir(workDir, { recursive: true });
  for (const set of sets) {
    const split: Split = set.lineage === 'fluidr3' ? 'development' : 'validation';
    const pieces: RenderPiece[] = [];
    for (let program = 0; program < 128; program++) {
      const label = GM_FAMILIES[Math.floor(program / 8)];
      if (!label) continue;
      for (const note of label === 'bass' ? BASS_NOTES : OTHER_NOTES) {
        const file = join(workDir, `${set.name}-p${program}-n${note}.wav`);
        sounds.push({ file, label, source: `${set.name}/program-${program}`, split });
        if (existsSync(file)) continue;
        pieces.push({
          out: file,
          notes: [{ startS: 0, lengthS: HOLD_S[label] ?? 1.2, channel: 0, note, velocity: 100 }],
          programs: { 0: program },
          tailS: TAIL_S,
        });
      }
    }
    if (pieces.length > 0) {
      log(`  rendering ${pieces.length} notes with ${set.name}`);
      await renderPieces(set, pieces, workDir);
    }
  }
  return sounds;
}

/**
 * The labelled set of the class check: Hydrogen drum kits and GM program notes, split into
 * development (what the timbre vector's scaling was chosen on) and validation (never tuned on).
 * Empty parts when the packages are missing.
 */
export async function labelledSounds(
  workDir: string,
  log: (line: string) => void,
): Promise<LabelledSound[]> {
  return [...(await drumSounds()), ...(await programSounds(workDir, log))];
}
