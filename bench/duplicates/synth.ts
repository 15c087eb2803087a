import { existsSync, realpathSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { midiFileBytes, type MidiMessage, type MidiNote } from './midi-file.js';
import { forEachLimited, runTool } from './processes.js';

/** A General MIDI sound set: a soundfont for fluidsynth, or a timidity config (freepats). */
export interface SoundSet {
  /** Short name used in source ids and file names. */
  name: string;
  engine: 'fluidsynth' | 'timidity';
  /** The .sf2/.sf3 file, or the timidity .cfg. */
  file: string;
  /**
   * Sets of one lineage may share samples (MuseScore General grew out of FluidR3): the same
   * piece in two of them is not certainly another recording.
   */
  lineage: string;
}

const CANDIDATES: SoundSet[] = [
  {
    name: 'musescore',
    engine: 'fluidsynth',
    file: '/usr/share/sounds/sf2/MuseScore_General_Full.sf2',
    lineage: 'fluidr3',
  },
  {
    name: 'fluidr3',
    engine: 'fluidsynth',
    file: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
    lineage: 'fluidr3',
  },
  {
    name: 'timgm',
    engine: 'fluidsynth',
    file: '/usr/share/sounds/sf2/TimGM6mb.sf2',
    lineage: 'timgm',
  },
  {
    name: 'fluidr3mono',
    engine: 'fluidsynth',
    file: '/usr/share/sounds/sf3/FluidR3Mono_GM.sf3',
    lineage: 'fluidr3',
  },
  { name: 'freepats', engine: 'timidity', file: '/etc/timidity/freepats.cfg', lineage: 'freepats' },
];

/**
 * The sound sets installed on this machine, each file once (a path may be a link to another
 * soundfont); timidity's only when timidity is on the PATH. The packages that hold them:
 * musescore-general-soundfont-lossless, fluid-soundfont-gm, timgm6mb-soundfont,
 * fluidr3mono-gm-soundfont, freepats and timidity.
 */
export async function availableSoundSets(): Promise<SoundSet[]> {
  const timidity = await runTool('timidity', ['--version']).then(
    () => true,
    () => false,
  );
  const seen = new Set<string>();
  return CANDIDATES.filter((s) => {
    if (!existsSync(s.file) || (s.engine === 'timidity' && !timidity)) return false;
    const real = realpathSync(s.file);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** One piece to render to its own file. */
export interface RenderPiece {
  /** Output WAV path (44.1 kHz, 16-bit, stereo). */
  out: string;
  /** Times relative to the piece's start. */
  notes: MidiNote[];
  /** GM program per channel at the piece's start (on channel 9: the drum kit). */
  programs: Partial<Record<number, number>>;
  /** Seconds rendered after the last note-off (release tails). */
  tailS: number;
}

/** Silence between pieces in the batch render, after every channel was silenced. */
const GAP_S = 0.5;

/**
 * Renders pieces with one sound set, dry (no reverb or chorus): all of them in one MIDI file,
 * since loading a large soundfont takes seconds, then cut into one file each.
 * @throws Error when the synthesiser or sox fails.
 */
export async function renderPieces(
  set: SoundSet,
  pieces: RenderPiece[],
  workDir: string,
): Promise<void> {
  const notes: MidiNote[] = [];
  const messages: MidiMessage[] = [];
  const cuts: { out: string; startS: number; lengthS: number }[] = [];
  let at = 0.2;
  for (const piece of pieces) {
    for (const [channel, program] of Object.entries(piece.programs)) {
      if (program !== undefined)
        messages.push({ atS: at, data: [0xc0 | Number(channel), program] });
    }
    const lastOff = Math.max(0, ...piece.notes.map((n) => n.startS + n.lengthS));
    for (const n of piece.notes) notes.push({ ...n, startS: at + n.startS });
    const lengthS = lastOff + piece.tailS;
    cuts.push({ out: piece.out, startS: at, lengthS });
    for (let channel = 0; channel < 16; channel++) {
      messages.push({ atS: at + lengthS, data: [0xb0 | channel, 120, 0] });
      messages.push({ atS: at + lengthS, data: [0xb0 | channel, 121, 0] });
    }
    at += lengthS + GAP_S;
  }
  const stem = join(workDir, `batch-${set.name}-${process.pid}-${Date.now()}`);
  await writeFile(`${stem}.mid`, midiFileBytes(notes, messages, at));
  try {
    if (set.engine === 'fluidsynth') {
      await runTool('fluidsynth', [
        ...['-ni', '-q', '-R', '0', '-C', '0', '-g', '0.6', '-r', '44100'],
        ...['-F', `${stem}.wav`, set.file, `${stem}.mid`],
      ]);
    } else {
      await runTool('timidity', [
        ...['-c', set.file, '-idq', '-EFreverb=0', '-EFchorus=0', '-s', '44100'],
        ...['-Ow', '-o', `${stem}.wav`, `${stem}.mid`],
      ]);
    }
    await forEachLimited(cuts, 2, async (cut) => {
      await runTool('sox', [
        `${stem}.wav`,
        cut.out,
        'trim',
        cut.startS.toFixed(6),
        cut.lengthS.toFixed(6),
      ]);
    });
  } finally {
    await rm(`${stem}.mid`, { force: true });
    await rm(`${stem}.wav`, { force: true });
  }
}
