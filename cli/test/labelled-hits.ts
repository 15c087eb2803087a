import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fade, repitch, rng, slice, sub808 } from '../../fixtures/lib/dsp.js';
import { encodeWav, frames, type Audio } from '../../fixtures/lib/wav.js';

/**
 * What a file of the hits folder is, relative to its original:
 * - `copy`: the same sound (re-encoded); merged as a duplicate.
 * - `similar`: close but not a copy (an edit, another take); kept, and named similar.
 * - `variant`: the same hit changed more (re-pitched); never merged, similar at most.
 * - `unrelated`: another sound; neither.
 */
export type HitRelation = 'original' | 'copy' | 'similar' | 'variant' | 'unrelated';

/** A file of the hits folder: its name, what it is, how it was made (said, and done). */
export interface Hit {
  name: string;
  is: HitRelation;
  made: string;
  /** Writes the file to `path`; `original` is the original's sound and file. */
  make(path: string, original: { sound: Audio; path: string }): Promise<void>;
}

const RATE = 44100;

const run = promisify(execFile);

const wav = (path: string, audio: Audio) => writeFile(path, encodeWav(audio, { bits: 16 }));

/** The hits folder's files in scan order, the original first. */
export const HITS: readonly Hit[] = [
  {
    name: 'a_hit.wav',
    is: 'original',
    made: 'a drum-like hit: tuned body and noise, decaying',
    make: (path, original) => wav(path, original.sound),
  },
  {
    name: 'b_hit copy.mp3',
    is: 'copy',
    made: 'the original encoded to MP3 at 192 kbps',
    make: async (path, original) => {
      await run('ffmpeg', ['-v', 'error', '-y', '-i', original.path, '-b:a', '192k', path]);
    },
  },
  {
    name: 'c_hit edit.wav',
    // Much shorter than the original: never merged, but too far in length to be named similar
    // (INGEST_GUIDE.md, Known limits).
    is: 'variant',
    made: 'the original cut at 60 % with a 30 ms fade',
    make: (path, { sound }) =>
      wav(path, fade(slice(sound, 0, Math.round(frames(sound) * 0.6)), 0.03)),
  },
  {
    name: 'd_hit +1 semitone.wav',
    is: 'variant',
    made: 'the original resampled a semitone up',
    make: (path, { sound }) => wav(path, repitch(sound, 1)),
  },
  {
    name: 'e_hit take 2.wav',
    is: 'similar',
    made: 'the same hit struck again: other noise',
    make: (path) => wav(path, hit(99)),
  },
  {
    name: 'f_sub.wav',
    is: 'unrelated',
    made: 'an 808 sub at 55 Hz',
    make: (path) => wav(path, sub808(RATE, 55, 0.8)),
  },
];

/** A 0.8 s hit: a body gliding from 220 to 140 Hz and filtered noise, each with its decay. */
function hit(seed: number): Audio {
  const random = rng(seed);
  const out = new Float32Array(Math.round(0.8 * RATE));
  let noise = 0;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    noise += 0.3 * (random() * 2 - 1 - noise);
    phase += (2 * Math.PI * (140 + 80 * Math.exp(-t * 30))) / RATE;
    const body = Math.sin(phase) * Math.exp(-t * 6);
    out[i] = (0.6 * noise * Math.exp(-t * 5) + 0.5 * body) * Math.min(1, t / 0.001);
  }
  return fade({ sr: RATE, ch: [out] }, 0.01);
}

/**
 * Writes the files of {@link HITS} into `folder` (made if missing), in order; returns the folder.
 * @throws Error when ffmpeg (for the MP3 copy) is not on the PATH.
 */
export async function writeHitsFolder(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const original = { sound: hit(7), path: join(folder, HITS[0]!.name) };
  for (const h of HITS) await h.make(join(folder, h.name), original);
  return folder;
}
