/**
 * `npm run bench:held-oneshots -- --out DIR [--split development|validation]`: writes a labelled
 * set of one-shots held for seconds, DIR/labels.json in the fixtures' label shape, for
 * `npm run bench:accuracy -- DIR/labels.json` (DIR/kits.json and DIR/renders.json hold its two
 * parts). Rendered libraries hold one-shots of 3 s at most,
 * so the key gate's model for longer ones (`held`, shared/analysis/key-gate.ts) is measured here:
 * - chords (a major or minor triad, closed, open or over its root an octave down) and single
 *   notes, held 4.5-9 s on sustaining GM programs of every sound set installed, rendered dry.
 *   A chord's key is its root and quality; a single note has none.
 * - every sample of the installed Hydrogen kits (real recordings: drums, cymbals, hats,
 *   percussion), keyless. The guitar-strum kit is left out: its chords' names are not certain.
 * The splits take other programs and the other half of the kits: development the even-numbered
 * kits (what the held model was fitted on), validation the odd ones. Read its key lines: its
 * duplicate lines do not apply, since many kits make their velocity layers from one recording
 * at several levels, which are copies (`npm run bench:duplicates` tells those apart on the audio).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../shared/analysis/prng.js';
import { formatKey } from '../shared/music/key-names.js';
import { readHydrogenKits } from './duplicates/hydrogen-kits.js';
import { availableSoundSets, renderPieces, type RenderPiece } from './duplicates/synth.js';
import { originalLabel, type FixtureLabel } from './labels.js';
import { timidityPrograms } from './similar/labelled-set.js';

/** Sustaining programs of each split: pianos, organs, guitars, strings, choirs, brass, leads, pads. */
const PROGRAMS = {
  development: [0, 4, 16, 19, 24, 48, 50, 52, 61, 80, 81, 88, 89, 90, 91, 94, 95],
  validation: [1, 5, 17, 20, 25, 49, 51, 53, 62, 82, 85, 92, 93, 96, 99, 100, 102],
} as const;

type Split = keyof typeof PROGRAMS;

/** Pieces per program and sound set: two chords and one single note. */
const PIECES = ['chord', 'chord', 'note'] as const;

/** Seconds rendered after the note-off: the release. */
const TAIL_S = 1.5;

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, split: { type: 'string', default: 'validation' } },
});
if (!args.out || !(args.split === 'development' || args.split === 'validation')) {
  console.error('usage: npm run bench:held-oneshots -- --out DIR [--split development|validation]');
  process.exit(2);
}
const out = resolve(args.out);
const split: Split = args.split;
await mkdir(out, { recursive: true });

/** The MIDI notes of a triad on `root` (MIDI), in one of three voicings. */
function triad(root: number, minor: boolean, voicing: number): number[] {
  const third = minor ? 3 : 4;
  if (voicing === 0) return [root, root + third, root + 7];
  if (voicing === 1) return [root, root + 7, root + 12 + third];
  return [root - 12, root + third, root + 7, root + 12];
}

const random = mulberry32(split === 'development' ? 7 : 8);
const labels: FixtureLabel[] = [];
/** Every sound is its own group: no two are copies (a kit's velocity layers are other takes). */
const label = (path: string, key: string | null): FixtureLabel =>
  originalLabel({
    path,
    kind: 'oneshot',
    bpm: null,
    key,
    format: extname(path).slice(1).toLowerCase(),
  });

for (const set of await availableSoundSets()) {
  const present = set.engine === 'timidity' ? await timidityPrograms(set.file) : null;
  const pieces: RenderPiece[] = [];
  for (const program of PROGRAMS[split]) {
    if (present && !present.has(program)) continue;
    PIECES.forEach((piece, n) => {
      const tonic = Math.floor(random() * 12);
      const minor = random() < 0.5;
      const lengthS = 4.5 + random() * 4.5;
      const voicing = Math.floor(random() * 3);
      const octave = random() < 0.5 ? 0 : 12;
      const notes = piece === 'chord' ? triad(48 + tonic, minor, voicing) : [48 + tonic + octave];
      const file = `${set.name}-p${program}-${n}-${piece}.wav`;
      const key = piece === 'chord' ? formatKey({ tonic, mode: minor ? 'minor' : 'major' }) : null;
      labels.push(label(file, key));
      pieces.push({
        out: join(out, file),
        notes: notes.map((note) => ({ startS: 0, lengthS, channel: 0, note, velocity: 90 })),
        programs: { 0: program },
        tailS: TAIL_S,
      });
    });
  }
  if (pieces.length === 0) continue;
  console.error(`rendering ${pieces.length} held one-shots with ${set.name}`);
  await renderPieces(set, pieces, out);
}

const kits = await readHydrogenKits();
kits.forEach((kit, k) => {
  if (k % 2 !== (split === 'development' ? 0 : 1) || /guitar/i.test(kit.name)) return;
  for (const instrument of kit.instruments) {
    for (const layer of instrument.layers) {
      labels.push(label(layer.file, null));
    }
  }
});

// The whole set, and its two parts apart: what bench:accuracy prints for each is a figure of its own.
const kitFiles = labels.filter((l) => l.path.startsWith('/'));
const parts = { labels, kits: kitFiles, renders: labels.filter((l) => !kitFiles.includes(l)) };
for (const [name, files] of Object.entries(parts))
  await writeFile(join(out, `${name}.json`), JSON.stringify({ files }, null, 1));
const chords = labels.filter((l) => l.key !== null).length;
console.log(
  `${labels.length} one-shots (${chords} held chords, ${labels.length - chords} keyless) in ${out}/labels.json`,
);
