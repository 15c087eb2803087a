import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeBytes,
  decodeFixture,
  fixturePath,
  maxAbsDiff,
} from '../../fixtures/decode/support.js';
import { ffmpegAvailable } from '../node/ffmpeg-available.js';
import { DecodeError, sniffAudioFormat } from './index.js';

// Core Audio Format (.caf), the container of Apple Loops: the files are made here by ffmpeg
// from the committed WAV fixtures, so every case is checked against the same samples as WAV.

const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg) console.warn('ffmpeg not on the PATH: skipping the CAF decode cases');

const scratch = mkdtempSync(join(tmpdir(), 'sm-caf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The fixture `wav` re-written by ffmpeg as CAF with `codec`: to a file, or to a pipe, where the
 * muxer cannot go back to write the data chunk's size and leaves it unknown (-1).
 */
function toCaf(wav: string, codec: string, pipe = false): Uint8Array {
  const args = ['-v', 'error', '-y', '-i', fixturePath(wav), '-c:a', codec, '-f', 'caf'];
  const out = pipe
    ? execFileSync('ffmpeg', [...args, 'pipe:1'], { maxBuffer: 1 << 26 })
    : (execFileSync('ffmpeg', [...args, join(scratch, 'out.caf')]),
      readFileSync(join(scratch, 'out.caf')));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The size the `data` chunk declares. */
function dataSize(caf: Uint8Array): bigint {
  const at = Buffer.from(caf).indexOf('data', 8, 'latin1');
  return new DataView(caf.buffer, caf.byteOffset).getBigInt64(at + 4, false);
}

describe.runIf(hasFfmpeg)('CAF decode', () => {
  it.each([
    ['sine-s16.wav', 'pcm_s16be', 16],
    ['sine-s16.wav', 'pcm_s16le', 16],
    ['stereo-s16.wav', 'pcm_s16be', 16],
    ['sine-s24.wav', 'pcm_s24be', 24],
    ['sine-s24.wav', 'pcm_s24le', 24],
    ['sine-s32.wav', 'pcm_s32be', 32],
    ['sine-f32.wav', 'pcm_f32be', 32],
    ['sine-f32.wav', 'pcm_f32le', 32],
    ['sine-f64.wav', 'pcm_f64be', 64],
    ['6ch-s24.wav', 'pcm_s24le', 24],
  ])('%s as %s: the same samples as the WAV, in 1 KiB writes', async (wav, codec, bits) => {
    const reference = await decodeFixture('wav', wav);
    const caf = await decodeBytes('caf', toCaf(wav, codec), 1024);
    expect(caf.info).toEqual({
      ...reference.info,
      format: 'caf',
      codec,
      bitDepth: bits,
      declaredFrames: null,
    });
    expect(caf.channels).toHaveLength(reference.channels.length);
    caf.channels.forEach((channel, c) => {
      expect(channel.length).toBe(reference.channels[c]!.length);
      expect(maxAbsDiff(channel, reference.channels[c]!)).toBe(0);
    });
  });

  it('reads a data chunk of unknown size (written to a pipe) to the end of the file', async () => {
    const bytes = toCaf('stereo-s16.wav', 'pcm_s16le', true);
    expect(dataSize(bytes)).toBe(-1n);
    expect(dataSize(toCaf('stereo-s16.wav', 'pcm_s16le'))).toBeGreaterThan(0n);
    const reference = await decodeFixture('wav', 'stereo-s16.wav');
    const caf = await decodeBytes('caf', bytes);
    expect(caf.channels[1]!.length).toBe(reference.channels[1]!.length);
    expect(maxAbsDiff(caf.channels[1]!, reference.channels[1]!)).toBe(0);
  });

  it('is sniffed as CAF from its first bytes, whatever its name', () => {
    expect(sniffAudioFormat(toCaf('sine-s16.wav', 'pcm_s16be').subarray(0, 4096), 'loop')).toEqual({
      ok: true,
      format: 'caf',
    });
  });

  it.each([
    ['alac', 'Apple Lossless'],
    ['adpcm_ima_qt', 'IMA ADPCM'],
  ])(
    'refuses %s in CAF as unsupported, naming the codec (ffmpeg decodes it)',
    async (codec, name) => {
      const error = await decodeBytes('caf', toCaf('sine-s16.wav', codec)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect(error).toMatchObject({ code: 'unsupported' });
      expect((error as Error).message).toContain(`CAF with ${name} audio`);
    },
  );

  it('says a CAF cut before its audio is truncated, and other bytes are not CAF', async () => {
    const bytes = toCaf('sine-s16.wav', 'pcm_s16be');
    await expect(decodeBytes('caf', bytes.subarray(0, 40))).rejects.toMatchObject({
      code: 'truncated',
    });
    const wav = await decodeBytes('caf', new TextEncoder().encode('RIFF....WAVEfmt ')).catch(
      (e: unknown) => e,
    );
    expect(wav).toMatchObject({ code: 'corrupt' });
  });
});
