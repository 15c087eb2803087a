import { describe, expect, it } from 'vitest';
import {
  decodeBytes,
  decodeFixture,
  maxAbsDiff,
  readFixture,
} from '../../fixtures/decode/support.js';
import type { AudioFormat } from './index.js';

const FILES: [AudioFormat, string][] = [
  ['wav', 'odd-chunks.wav'],
  ['wav', '6ch-s24.wav'],
  ['wav', 'sine-rf64.wav'],
  ['aiff', 'stereo-sowt.aifc'],
  ['flac', 'sine-id3.flac'],
  ['mp3', 'stereo-cbr.mp3'],
  ['ogg-vorbis', 'stereo.ogg'],
  ['opus', 'stereo.opus'],
  ['m4a', 'stereo.m4a'],
];

function repeat(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.length * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  return out;
}

describe('chunked writes', () => {
  it.each(FILES)(
    '%s %s: 1-byte, 7-byte and 64 KiB writes give identical PCM',
    async (format, name) => {
      const big = await decodeFixture(format, name, 64 * 1024);
      expect(big.channels[0]?.length).toBeGreaterThan(1000);
      for (const size of [1, 7]) {
        const small = await decodeFixture(format, name, size);
        expect(small.info).toEqual(big.info);
        expect(small.channels).toHaveLength(big.channels.length);
        small.channels.forEach((c, i) =>
          expect(
            maxAbsDiff(c, big.channels[i] as Float32Array),
            `${size}-byte writes, channel ${i}`,
          ).toBe(0),
        );
      }
    },
  );

  it.each([
    ['wav', 'sine-s16.wav'],
    ['aiff', 'sine-s24.aiff'],
  ] as const)('%s emits PCM as the data arrives, in bounded chunks', async (format, name) => {
    const d = await decodeFixture(format, name, 8192);
    expect(d.framesBeforeEnd).toBe(d.channels[0]?.length);
    expect(d.chunks).toBeGreaterThan(2);
  });

  // concatenated MP3 frames and chained Ogg streams are valid streams several times the fixture's length
  it.each([
    ['mp3', 'stereo-cbr.mp3', 20],
    ['ogg-vorbis', 'stereo.ogg', 40],
    ['opus', 'stereo.opus', 20],
  ] as const)('%s emits PCM before end() on a long stream', async (format, name, times) => {
    const bytes = repeat(readFixture(name), times);
    const d = await decodeBytes(format, bytes, 16 * 1024);
    const total = d.channels[0]?.length ?? 0;
    expect(total).toBeGreaterThan(0.9 * times * 44100);
    expect(d.framesBeforeEnd).toBeGreaterThan(total / 2);
  });
});
