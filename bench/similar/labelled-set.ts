import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drumClassOf, readHydrogenKits } from '../duplicates/hydrogen-kits.js';
import { availableSoundSets, renderPieces, type RenderPiece } from '../duplicates/synth.js';

export type Split = 'development' | 'validation';

/** One labelled sound: its file, its class, what made it and which split it is in. */
export interface LabelledSound {
  file: string;
  /** kick, snare, hihat, tom, crash, ride… for drums; piano, bass, pad… for GM programs. */
  label: string;
  /**
   * The instrument (a kit's instrument; a GM program of one soundfont lineage): its layers and
   * notes. The class check looks for neighbours among other instruments.
   */
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
/**
 * Programs whose family's name is not what a producer would call them: the choir and voice
 * programs of the ensemble family are voices; harp, timpani and orchestra hit are left out.
 */
const PROGRAM_CLASSES: Partial<Record<number, string | null>> = {
  46: null,
  47: null,
  52: 'voice',
  53: 'voice',
  54: 'voice',
  55: null,
};
/** A GM program's class, or null when it is left out. */
export function classOfProgram(program: number): string | null {
  const own = PROGRAM_CLASSES[program];
  return own !== undefined ? own : (GM_FAMILIES[Math.floor(program / 8)] ?? null);
}

/**
 * Notes per family's register, and how long a note is held: a short note and the family's
 * usual length (s), so that a note's length is not a sign of its class, as in a real library.
 */
const BASS_NOTES = [28, 33, 40];
const OTHER_NOTES = [50, 57, 64];
const SHORT_HOLD_S = 0.4;
const HOLD_S: Record<string, number> = { piano: 1, guitar: 1, pad: 2.5, strings: 1.5 };
const TAIL_S = 0.8;
/**
 * Lineages of the validation split. Soundfonts of one lineage share samples (MuseScore General
 * grew out of FluidR3), so a lineage stays in one split: FluidR3's and freepats are development.
 */
const VALIDATION_LINEAGES = new Set(['timgm']);

/** GM drum notes by class (channel 10); china, splash and ride-bell notes are left out. */
const DRUM_NOTE_CLASSES: Record<number, string> = {
  35: 'kick',
  36: 'kick',
  37: 'rim',
  38: 'snare',
  39: 'clap',
  40: 'snare',
  41: 'tom',
  42: 'hihat',
  43: 'tom',
  44: 'hihat',
  45: 'tom',
  46: 'hihat',
  47: 'tom',
  48: 'tom',
  49: 'crash',
  50: 'tom',
  51: 'ride',
  56: 'cowbell',
  57: 'crash',
  59: 'ride',
};
/**
 * GM drum kits rendered from a soundfont (standard, power, TR-808, brush); timidity's freepats
 * hold the standard kit only. A soundfont without one of them plays its standard kit instead.
 */
const SOUNDFONT_KITS = [0, 16, 25, 40];
const KIT_VELOCITIES = [70, 110];
const KIT_HOLD_S = 0.3;
const KIT_TAIL_S = 1.2;

/** The programs a timidity config holds in its bank 0 (freepats has about 60 of the 128). */
export async function timidityPrograms(cfg: string): Promise<Set<number>> {
  const text = await readFile(cfg, 'utf8');
  const programs = new Set<number>();
  let inBank0 = false;
  for (const line of text.split('\n')) {
    const head = /^\s*(bank|drumset)\s+(\d+)/.exec(line);
    if (head) inBank0 = head[1] === 'bank' && head[2] === '0';
    else if (inBank0) {
      const entry = /^\s*(\d+)\s+\S+\.pat/.exec(line);
      if (entry) programs.add(Number(entry[1]));
    }
  }
  return programs;
}

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
 * Notes of the GM programs of the classes above and hits of GM drum kits, rendered dry from each
 * sound set installed (soundfonts with fluidsynth, freepats with timidity; into `workDir`, once,
 * kept for the next run), development or validation by the set's lineage.
 */
async function soundSetSounds(
  workDir: string,
  log: (line: string) => void,
): Promise<LabelledSound[]> {
  const sounds: LabelledSound[] = [];
  await mkdir(workDir, { recursive: true });
  for (const set of await availableSoundSets()) {
    const split: Split = VALIDATION_LINEAGES.has(set.lineage) ? 'validation' : 'development';
    const held = set.engine === 'timidity' ? await timidityPrograms(set.file) : null;
    const pieces: RenderPiece[] = [];
    for (let program = 0; program < 128; program++) {
      const label = classOfProgram(program);
      if (!label || (held && !held.has(program))) continue;
      for (const note of label === 'bass' ? BASS_NOTES : OTHER_NOTES) {
        for (const holdS of [SHORT_HOLD_S, HOLD_S[label] ?? 1.2]) {
          const file = join(workDir, `${set.name}-p${program}-n${note}-${holdS}s.wav`);
          // One program of one lineage is one instrument: its soundfonts share samples.
          sounds.push({ file, label, source: `${set.lineage}/program-${program}`, split });
          if (existsSync(file)) continue;
          pieces.push({
            out: file,
            notes: [{ startS: 0, lengthS: holdS, channel: 0, note, velocity: 100 }],
            programs: { 0: program },
            tailS: TAIL_S,
          });
        }
      }
    }
    for (const kit of set.engine === 'timidity' ? [0] : SOUNDFONT_KITS) {
      for (const [note, label] of Object.entries(DRUM_NOTE_CLASSES)) {
        for (const velocity of KIT_VELOCITIES) {
          const file = join(workDir, `${set.name}-kit${kit}-n${note}-v${velocity}.wav`);
          // The kits of a lineage are one instrument per note: a soundfont without a kit
          // plays another in its place.
          sounds.push({ file, label, source: `${set.lineage}/drum-${note}`, split });
          if (existsSync(file)) continue;
          pieces.push({
            out: file,
            notes: [{ startS: 0, lengthS: KIT_HOLD_S, channel: 9, note: Number(note), velocity }],
            programs: { 9: kit },
            tailS: KIT_TAIL_S,
          });
        }
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
 * development (what the timbre metric is fitted on) and validation (never tuned on).
 * Empty parts when the packages are missing.
 */
export async function labelledSounds(
  workDir: string,
  log: (line: string) => void,
): Promise<LabelledSound[]> {
  return [...(await drumSounds()), ...(await soundSetSounds(workDir, log))];
}
