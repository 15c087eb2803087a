import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { encodeWav } from '../../fixtures/lib/wav.js';
import { mulberry32 } from '../analysis/prng.js';
import { analyseFile, type AnalyseFileDeps } from './analyse-file.js';
import { loadEssentiaOnMainThread } from './essentia.js';
import { ffmpegAvailable } from './ffmpeg-available.js';

// analyseFile as the server runs it on a bucket object: the bytes in a scratch file of another
// name, the object's key given as the name (read for hints and reported), native ffmpeg where
// the in-process decoders cannot read the file, and no scratch path in any reason.

const FIXTURES = join(import.meta.dirname, '../../fixtures/audio');
const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg) console.warn('ffmpeg not on the PATH: skipping the native decoder cases');

let dir = '';
let deps: AnalyseFileDeps;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-analyse-file-'));
  deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread(), ffmpeg: hasFfmpeg };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('analyseFile under a name that is not its path', () => {
  it('reads tempo and key hints from the name and reports it', async () => {
    const scratch = join(dir, 'object-1');
    await copyFile(join(FIXTURES, 'loops/DarkPad Am 90 BPM.wav'), scratch);
    const named = await analyseFile(scratch, deps, 'packs/DarkPad Am 90 BPM.wav');
    const unnamed = await analyseFile(scratch, deps, 'packs/pad.wav');
    expect(named).toMatchObject({ status: 'ok', path: 'packs/DarkPad Am 90 BPM.wav' });
    expect(named.analysis?.hints.bpm).toBe(90);
    expect(unnamed.analysis?.hints.bpm).toBeNull();
    expect(unnamed.contentHash).toBe(named.contentHash);
  });

  it("gives a reason without the scratch file's path", async () => {
    for (const bad of ['truncated.flac', 'truncated.mp3', 'header_lies.wav']) {
      const scratch = join(dir, `object-${bad}`);
      await copyFile(join(FIXTURES, 'bad', bad), scratch);
      const result = await analyseFile(scratch, deps, `broken/${bad}`);
      expect(result).toMatchObject({ status: 'error', path: `broken/${bad}` });
      expect(result.error).not.toContain(dir);
    }
  });

  // Read from a pipe, ffmpeg gives up on an MP4 whose index is last: it reads the file itself.
  // WavPack, Wave64, WMA and AU are known by their first bytes and read by ffmpeg only.
  it.runIf(hasFfmpeg).each([
    ['Microsoft ADPCM WAV', 'adpcm.wav', 'wav', 'wav', 'adpcm_ms', 2],
    ['AAC in MP4 with its index last', 'late-index.m4a', 'mp4', 'm4a', 'aac', 30],
    ['Apple Lossless in CAF (as Apple Loops are)', 'loop.caf', 'caf', 'caf', 'alac', 4],
    ['WavPack', 'loop.wv', 'wv', 'wavpack', 'wavpack', 3],
    ['Sony Wave64', 'loop.w64', 'w64', 'w64', 'pcm_s24le', 3],
    ['Windows Media Audio', 'loop.wma', 'asf', 'wma', 'wmav2', 3],
    ['Sun AU', 'loop.au', 'au', 'au', 'pcm_s16be', 3],
  ])('decodes %s through ffmpeg', async (_, name, muxer, format, codec, seconds) => {
    const scratch = join(dir, `object-${name}`);
    const input = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, '-c:a', codec, '-f', muxer, scratch]);
    const result = await analyseFile(scratch, deps, `odd/${name}`);
    expect(result.status, result.error ?? '').toBe('ok');
    expect(result).toMatchObject({ format, codec });
    expect(result.analysis!.durationS).toBeGreaterThan(seconds - 0.05);
    expect(result.analysis!.durationS).toBeLessThan(seconds + 0.1);
  });

  it.runIf(hasFfmpeg)('says a WavPack file needs ffmpeg where it is not installed', async () => {
    const scratch = join(dir, 'object-no-ffmpeg.wv');
    const input = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, '-c:a', 'wavpack', '-f', 'wv', scratch]);
    const result = await analyseFile(scratch, { ...deps, ffmpeg: false }, 'odd/pad.wv');
    expect(result).toMatchObject({
      status: 'error',
      format: 'wavpack',
      error:
        'cannot decode wavpack: WavPack files are read through ffmpeg only; install ffmpeg to import it',
    });
  });
});

// Past about a minute, native ffmpeg decodes instead of the in-process decoders: the sound's
// energy above 4.8 kHz (the fingerprint's `high`, which similar sounds read) must not depend on
// which one did.
it.runIf(hasFfmpeg)(
  'reads the same energy above 4.8 kHz through native ffmpeg as in process',
  async () => {
    const rate = 44100;
    const random = mulberry32(5);
    const pcm = new Float32Array(rate * 61);
    const every = rate / 2;
    for (let i = 0; i < pcm.length; i++) {
      const t = (i % every) / rate;
      pcm[i] =
        0.4 * (random() - 0.5) * Math.exp(-t / 0.04) +
        0.2 * Math.sin(2 * Math.PI * 110 * (i / rate));
    }
    const path = join(dir, 'hats over a drone.wav');
    await writeFile(path, encodeWav({ sr: rate, ch: [pcm, pcm] }, { bits: 16 }));
    const native = await analyseFile(path, { ...deps, ffmpeg: true });
    const inProcess = await analyseFile(path, { ...deps, ffmpeg: false });
    const a = native.analysis!.fingerprint!.high!;
    const b = inProcess.analysis!.fingerprint!.high!;
    expect(b.bandsDb[3]).toBeGreaterThan(-40);
    a.bandsDb.forEach((db, i) =>
      expect(Math.abs(db - b.bandsDb[i]!), `band ${i}`).toBeLessThanOrEqual(1),
    );
    expect(Math.abs(a.decayMs - b.decayMs)).toBeLessThanOrEqual(0.2 * b.decayMs);
  },
  60_000,
);

// Loops not tuned to A = 440 Hz (a sample pitched by ear, an old recording, a band tuned to
// 432): the committed fixtures' renders played 45 cents sharp, made here with ffmpeg, under a
// neutral name. Read against A = 440, their sustained partials fall between two semitones: each
// of these was read as no key or another key before music was read against its own tuning.
describe('key of a loop tuned away from A = 440 Hz', () => {
  /** fixtures/audio/loops/`name`, every frequency `cents` higher (and its tempo with it). */
  function detuned(name: string, cents: number): string {
    const out = join(dir, `${cents}-${name.replace(/\.\w+$/, '')}.wav`);
    const filter = `asetrate=44100*${2 ** (cents / 1200)},aresample=44100`;
    const source = join(FIXTURES, 'loops', name);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', source, '-af', filter, out]);
    return out;
  }

  it.runIf(hasFfmpeg).each([
    ['Piano Loop C 120.wav', 'C major'],
    ['Pop Piano E 160.mp3', 'E major'],
    ['Bb Synth Chords 140.ogg', 'Bb major'],
    ['Gm_171_pluck_loop.wav', 'G minor'],
    ['Bass 124 Gmaj.flac', 'G major'],
  ])('reads %s played 45 cents sharp in %s', async (name, key) => {
    const result = await analyseFile(detuned(name, 45), deps, 'loop.wav');
    expect(result.status).toBe('ok');
    expect(result.analysis?.key).toBe(key);
  });
});
