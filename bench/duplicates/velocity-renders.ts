/**
 * `npm run bench:duplicates:velocity -- [--out DIR]`: renders one note of 40 GM programs and 10
 * GM drum notes at velocities 40, 70, 100 and 127 with every fluidsynth soundfont installed,
 * makes an MP3 (192k) of each render, analyses them all as `sm-import` does, and counts the
 * same-sound verdicts: two renders of one sound at two velocities (often one sample through a
 * velocity filter) should be kept apart unless they are one sound at two levels, and an MP3
 * should be found as a copy of the render it was made from. Prints a table; exits 0. Files
 * already in DIR are used as they are, so that two builds can be scored on the same renders.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import xxhash from 'xxhash-wasm';
import { compareFingerprints, type Fingerprint } from '../../shared/analysis/index.js';
import { analyseFile } from '../../shared/node/analyse-file.js';
import { loadEssentiaOnMainThread } from '../../shared/node/essentia.js';
import { runTool } from './processes.js';
import { availableSoundSets, renderPieces, type RenderPiece } from './synth.js';

const PROGRAMS = [
  0, 2, 4, 6, 11, 13, 19, 21, 24, 25, 27, 29, 32, 33, 38, 40, 42, 46, 48, 52, 56, 57, 60, 61, 64,
  65, 66, 68, 71, 73, 75, 80, 81, 87, 88, 90, 104, 105, 108, 114,
];
const DRUM_NOTES = [36, 38, 39, 40, 42, 45, 46, 49, 51, 56];
const VELOCITIES = [40, 70, 100, 127];

const { values } = parseArgs({
  options: { out: { type: 'string', default: '/tmp/velocity-renders' } },
});
const dir = values.out;
await mkdir(dir, { recursive: true });
const deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread(), ffmpeg: true };

/** One sound (a soundfont's program or drum note) at each velocity: WAV and MP3 fingerprints. */
const sounds: { wav: (Fingerprint | null)[]; mp3: (Fingerprint | null)[] }[] = [];
for (const set of await availableSoundSets()) {
  if (set.engine !== 'fluidsynth') continue;
  const stems: string[] = [];
  const pieces: RenderPiece[] = [];
  const add = (stem: string, piece: Omit<RenderPiece, 'out'>) => {
    stems.push(stem);
    pieces.push({ ...piece, out: join(dir, `${stem}.wav`) });
  };
  for (const program of PROGRAMS)
    for (const velocity of VELOCITIES)
      add(`${set.name}-p${program}-v${velocity}`, {
        notes: [{ startS: 0, lengthS: 0.6, channel: 0, note: 60, velocity }],
        programs: { 0: program },
        tailS: 0.4,
      });
  for (const note of DRUM_NOTES)
    for (const velocity of VELOCITIES)
      add(`${set.name}-d${note}-v${velocity}`, {
        notes: [{ startS: 0, lengthS: 0.3, channel: 9, note, velocity }],
        programs: { 9: 0 },
        tailS: 0.7,
      });
  const missing = pieces.filter((p) => !existsSync(p.out));
  if (missing.length > 0) await renderPieces(set, missing, dir);
  const fingerprint = async (path: string) =>
    (await analyseFile(path, deps)).analysis?.fingerprint ?? null;
  for (let i = 0; i < stems.length; i += VELOCITIES.length) {
    const sound: (typeof sounds)[number] = { wav: [], mp3: [] };
    for (const stem of stems.slice(i, i + VELOCITIES.length)) {
      const wav = join(dir, `${stem}.wav`);
      const mp3 = join(dir, `${stem}.mp3`);
      const encode = ['-c:a', 'libmp3lame', '-b:a', '192k'];
      if (!existsSync(mp3)) await runTool('ffmpeg', ['-v', 'error', '-i', wav, ...encode, mp3]);
      sound.wav.push(await fingerprint(wav));
      sound.mp3.push(await fingerprint(mp3));
    }
    sounds.push(sound);
  }
  console.error(`${set.name}: ${stems.length} renders`);
}

const counts = {
  'WAV against the WAV of another velocity': { same: 0, pairs: 0 },
  'MP3 against the WAV of another velocity': { same: 0, pairs: 0 },
  'MP3 against the WAV it was made from': { same: 0, pairs: 0 },
};
const count = (key: keyof typeof counts, a: Fingerprint | null, b: Fingerprint | null) => {
  if (!a || !b) return;
  counts[key].pairs++;
  if (compareFingerprints(a, b).verdict === 'same') counts[key].same++;
};
for (const { wav, mp3 } of sounds) {
  for (let i = 0; i < VELOCITIES.length; i++) {
    count('MP3 against the WAV it was made from', mp3[i]!, wav[i]!);
    for (let j = 0; j < VELOCITIES.length; j++) {
      if (j === i) continue;
      if (j > i) count('WAV against the WAV of another velocity', wav[i]!, wav[j]!);
      count('MP3 against the WAV of another velocity', mp3[i]!, wav[j]!);
    }
  }
}
console.log(`${sounds.length} sounds at velocities ${VELOCITIES.join(', ')}`);
for (const [key, { same, pairs }] of Object.entries(counts))
  console.log(`${key.padEnd(42)} taken for copies: ${same} of ${pairs}`);
