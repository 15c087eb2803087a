import { describe, expect, it } from 'vitest';
import {
  decodeFixture,
  maxAbsDiff,
  MINUS_6_DB,
  peakDbfs,
  truth,
  zeroCrossingHz,
} from '../../fixtures/decode/support.js';
import type { AudioFormat } from './index.js';

const MINUS_6 = 20 * Math.log10(MINUS_6_DB);

// name, format, codec, bitDepth, per-channel [Hz, dBFS]
const CASES: [string, AudioFormat, string, number, [number, number][]][] = [
  ['sine-u8.wav', 'wav', 'pcm_u8', 8, [[440, MINUS_6]]],
  ['sine-s16.wav', 'wav', 'pcm_s16le', 16, [[440, MINUS_6]]],
  ['sine-s24.wav', 'wav', 'pcm_s24le', 24, [[440, MINUS_6]]],
  ['sine-s32.wav', 'wav', 'pcm_s32le', 32, [[440, MINUS_6]]],
  ['sine-f32.wav', 'wav', 'pcm_f32le', 32, [[440, MINUS_6]]],
  ['sine-f64.wav', 'wav', 'pcm_f64le', 64, [[440, MINUS_6]]],
  ['sine-48k-s16.wav', 'wav', 'pcm_s16le', 16, [[440, MINUS_6]]],
  ['sine-96k-s24.wav', 'wav', 'pcm_s24le', 24, [[440, MINUS_6]]],
  ['sine-rf64.wav', 'wav', 'pcm_s16le', 16, [[440, MINUS_6]]],
  ['odd-chunks.wav', 'wav', 'pcm_u8', 8, [[440, MINUS_6]]],
  [
    'stereo-s16.wav',
    'wav',
    'pcm_s16le',
    16,
    [
      [440, MINUS_6],
      [660, MINUS_6 * 2],
    ],
  ],
  [
    '6ch-s24.wav',
    'wav',
    'pcm_s24le',
    24,
    [300, 400, 500, 600, 700, 800].map((hz): [number, number] => [hz, MINUS_6]),
  ],
  ['sine-s16.aiff', 'aiff', 'pcm_s16be', 16, [[440, MINUS_6]]],
  ['sine-s24.aiff', 'aiff', 'pcm_s24be', 24, [[440, MINUS_6]]],
  ['sine-none.aifc', 'aiff', 'pcm_s16be', 16, [[440, MINUS_6]]],
  [
    'stereo-sowt.aifc',
    'aiff',
    'pcm_s16le',
    16,
    [
      [440, MINUS_6],
      [660, MINUS_6 * 2],
    ],
  ],
  ['sine-fl32.aifc', 'aiff', 'pcm_f32be', 32, [[440, MINUS_6]]],
  ['sine-fl64.aifc', 'aiff', 'pcm_f64be', 64, [[440, MINUS_6]]],
  ['sine-s16.flac', 'flac', 'flac', 16, [[440, MINUS_6]]],
  ['sine-id3.flac', 'flac', 'flac', 16, [[440, MINUS_6]]],
  [
    'stereo-s24.flac',
    'flac',
    'flac',
    24,
    [
      [440, MINUS_6],
      [660, MINUS_6 * 2],
    ],
  ],
  ['sine-96k-s24.flac', 'flac', 'flac', 24, [[440, MINUS_6]]],
];

describe('lossless decode (WAV, AIFF, FLAC)', () => {
  it.each(CASES)(
    '%s: exact rate, channels and frames; 440 Hz-family content at its level',
    async (name, format, codec, bits, tones) => {
      const t = truth[name];
      if (!t) throw new Error(`no truth for ${name}`);
      const { info, channels } = await decodeFixture(format, name);
      expect(info).toEqual({
        format,
        codec,
        sampleRate: t.sampleRate,
        channels: t.channels,
        bitDepth: bits,
        declaredFrames: t.frames,
      });
      expect(channels).toHaveLength(tones.length);
      tones.forEach(([hz, db], c) => {
        const x = channels[c] as Float32Array;
        expect(x.length).toBe(t.frames);
        expect(Math.abs(zeroCrossingHz(x, t.sampleRate) - hz)).toBeLessThan(1);
        expect(Math.abs(peakDbfs(x) - db)).toBeLessThan(0.5);
      });
    },
  );

  it('gives bit-identical samples for the same 16-bit signal in WAV, AIFF, AIFF-C and FLAC', async () => {
    const wav = (await decodeFixture('wav', 'sine-s16.wav')).channels[0] as Float32Array;
    for (const [format, name] of [
      ['aiff', 'sine-s16.aiff'],
      ['aiff', 'sine-none.aifc'],
      ['flac', 'sine-s16.flac'],
      ['flac', 'sine-id3.flac'],
    ] as const) {
      expect(
        maxAbsDiff((await decodeFixture(format, name)).channels[0] as Float32Array, wav),
        name,
      ).toBe(0);
    }
    const wav24 = (await decodeFixture('wav', 'sine-96k-s24.wav')).channels[0] as Float32Array;
    expect(
      maxAbsDiff(
        (await decodeFixture('flac', 'sine-96k-s24.flac')).channels[0] as Float32Array,
        wav24,
      ),
    ).toBe(0);
    const s24 = (await decodeFixture('wav', 'sine-s24.wav')).channels[0] as Float32Array;
    const f32 = (await decodeFixture('wav', 'sine-f32.wav')).channels[0] as Float32Array;
    expect(maxAbsDiff(f32, s24.subarray(0, f32.length))).toBeLessThan(2 / 8388608); // 24-bit quantisation of the same float signal
  });

  it('decodes WAVs whose data size lies (0, 0xFFFFFFFF, larger than the file) to the end of the file', async () => {
    const reference = (await decodeFixture('wav', 'sine-s16.wav')).channels[0];
    for (const name of ['lie-zero.wav', 'lie-ffff.wav', 'lie-long.wav']) {
      const { channels } = await decodeFixture('wav', name);
      expect(maxAbsDiff(channels[0] as Float32Array, reference as Float32Array), name).toBe(0);
    }
  });
});
