import { describe, expect, it } from 'vitest';
import {
  decodeFixture,
  MINUS_6_DB,
  rms,
  truth,
  zeroCrossingHz,
} from '../../fixtures/decode/support.js';
import type { AudioFormat } from './index.js';

const SINE_RMS_DB = 20 * Math.log10(MINUS_6_DB / Math.SQRT2); // -9.03 dB for the -6 dBFS sine

// name, format, codec, frames of the encoder's input (the real length), tolerance vs ffmpeg's count, per-channel [Hz, dB below the left]
// Tolerances: MP3 and Opus match ffmpeg 5.1 exactly (measured 0; 2 allowed). ffmpeg 5.1 drops the first
// 128 Vorbis samples that the granule positions count, and keeps the AAC end padding (45056 = 44 x 1024
// after removing the 1024 priming) that the edit list excludes; we match the source length in both.
const CASES: [string, AudioFormat, string, number, number, [number, number][]][] = [
  [
    'stereo-cbr.mp3',
    'mp3',
    'mp3',
    44100,
    2,
    [
      [440, 0],
      [660, -6],
    ],
  ],
  ['sine-vbr.mp3', 'mp3', 'mp3', 44100, 2, [[440, 0]]],
  ['sine-48k.mp3', 'mp3', 'mp3', 48000, 2, [[440, 0]]],
  [
    'stereo.ogg',
    'ogg-vorbis',
    'vorbis',
    44100,
    128,
    [
      [440, 0],
      [660, -6],
    ],
  ],
  [
    'stereo.opus',
    'opus',
    'opus',
    48000,
    2,
    [
      [440, 0],
      [660, -6],
    ],
  ],
  ['sine-44k.opus', 'opus', 'opus', 48000, 2, [[440, 0]]],
  [
    'stereo.m4a',
    'm4a',
    'aac',
    44100,
    956,
    [
      [440, 0],
      [660, -6],
    ],
  ],
];

describe('lossy decode (MP3, Ogg Vorbis, Opus, M4A)', () => {
  it.each(CASES)(
    '%s: rate and channels as ffmpeg, frames = source, gapless, tones at level',
    async (name, format, codec, frames, tol, tones) => {
      const t = truth[name];
      if (!t) throw new Error(`no truth for ${name}`);
      const { info, channels } = await decodeFixture(format, name);
      expect(info).toMatchObject({
        format,
        codec,
        sampleRate: t.sampleRate,
        channels: t.channels,
        bitDepth: null,
      });
      expect(channels).toHaveLength(tones.length);
      const n = channels[0]?.length ?? 0;
      expect(n).toBe(frames);
      expect(Math.abs(n - t.frames)).toBeLessThanOrEqual(tol);
      const rate = t.sampleRate;
      tones.forEach(([hz, db], c) => {
        const x = channels[c] as Float32Array;
        const middle = x.subarray(Math.round(rate * 0.05), n - Math.round(rate * 0.05));
        expect(Math.abs(zeroCrossingHz(middle, rate) - hz)).toBeLessThan(1);
        expect(Math.abs(20 * Math.log10(rms(middle)) - (SINE_RMS_DB + db))).toBeLessThan(0.5);
        // encoder delay removed: the tone is there from the first 10 ms, not after ~1000 samples of silence
        expect(rms(x.subarray(0, Math.round(rate * 0.01))) / rms(middle)).toBeGreaterThan(0.7);
      });
    },
  );

  it('ends a one-page Opus stream where its granule position says, as ffmpeg does', async () => {
    // Its only audio page is also its last: the decoder alone gives the pre-skip (312) extra.
    const { info, channels } = await decodeFixture('opus', 'short.opus');
    expect(info?.sampleRate).toBe(48000);
    expect(channels[0]).toHaveLength(4800);
    expect(truth['short.opus']?.frames).toBe(4800);
    const x = channels[0]!;
    expect(Math.abs(zeroCrossingHz(x.subarray(480, 4320), 48000) - 440)).toBeLessThan(2);
  });

  it('declares the MP3 length from the Xing/LAME header, net of delay and padding', async () => {
    expect((await decodeFixture('mp3', 'sine-vbr.mp3')).info?.declaredFrames).toBe(44100);
    expect((await decodeFixture('mp3', 'stereo-cbr.mp3')).info?.declaredFrames).toBe(44100);
  });
});
