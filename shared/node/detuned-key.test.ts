import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { analyseFile, type AnalyseFileDeps } from './analyse-file.js';
import { loadEssentiaOnMainThread } from './essentia.js';
import { ffmpegAvailable } from './ffmpeg-available.js';

// Loops not tuned to A = 440 Hz (a sample pitched by ear, an old recording, a band tuned to
// 432): the committed fixtures' renders played 45 cents sharp, made here with ffmpeg. Read
// against A = 440, their sustained partials fall between two semitones: each of these was read
// as no key or another key before the key was read against the tuning the tonality measures.

const LOOPS = join(import.meta.dirname, '../../fixtures/audio/loops');
const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg) console.warn('ffmpeg not on the PATH: skipping the detuned loops');

let dir = '';
let deps: AnalyseFileDeps;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-detuned-'));
  deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread(), ffmpeg: hasFfmpeg };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `name` from the fixtures' loops, every frequency `cents` higher (and its tempo with it). */
function detuned(name: string, cents: number): string {
  const out = join(dir, `${cents}-${name.replace(/\.\w+$/, '')}.wav`);
  const ratio = 2 ** (cents / 1200);
  const filter = `asetrate=44100*${ratio},aresample=44100`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(LOOPS, name), '-af', filter, out]);
  return out;
}

describe('key of a loop tuned away from A = 440 Hz', () => {
  it.runIf(hasFfmpeg).each([
    ['Piano Loop C 120.wav', 'C major'],
    ['Pop Piano E 160.mp3', 'E major'],
    ['Bb Synth Chords 140.ogg', 'Bb major'],
    ['Gm_171_pluck_loop.wav', 'G minor'],
    ['Bass 124 Gmaj.flac', 'G major'],
  ])('reads %s played 45 cents sharp in %s', async (name, key) => {
    // Under a neutral name: the key comes from the sound alone.
    const result = await analyseFile(detuned(name, 45), deps, 'loop.wav');
    expect(result.status).toBe('ok');
    expect(result.analysis?.key).toBe(key);
  });
});
