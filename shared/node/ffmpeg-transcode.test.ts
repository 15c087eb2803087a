import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegAvailable } from './ffmpeg-available.js';
import { decodeInProcess } from '../files/index.js';
import { transcodeFileToWav } from './ffmpeg-transcode.js';

const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg) console.warn('ffmpeg not on the PATH: skipping the native transcoder tests');

describe.skipIf(!hasFfmpeg)('transcodeFileToWav', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sm-transcode-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** `seconds` of 440 Hz in `codec`, written by ffmpeg to `name`. */
  function sine(name: string, codec: string, seconds: number): string {
    const path = join(dir, name);
    const input = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, '-c:a', codec, path]);
    return path;
  }

  // Read from a pipe, ffmpeg gives up on the MP4 ("partial file"): it must seek to its index.
  it.each([
    ['Microsoft ADPCM WAV', 'adpcm.wav', 'adpcm_ms', 2],
    ['AAC in MP4 with its index last', 'late-index.m4a', 'aac', 30],
  ])('decodes %s into a float WAV the in-process decoder reads', async (_, name, codec, s) => {
    const wav = await transcodeFileToWav(sine(name, codec, s));
    const decoded = await decodeInProcess('wav', wav);
    expect(decoded.stats.durationS).toBeGreaterThan(s - 0.05);
    expect(decoded.stats.durationS).toBeLessThan(s + 0.1);
  });

  it("rejects with ffmpeg's reason, without the file's path", async () => {
    const path = join(dir, 'noise.wav');
    await writeFile(path, Buffer.alloc(4096, 7));
    const failure = await transcodeFileToWav(path).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/invalid data/i);
    expect(failure).not.toContain(dir);
  });
});
