import { describe, expect, it } from 'vitest';
import { decodedWav, wav16 } from './decoded-wav.js';

describe('wav16', () => {
  it('interleaves planar chunks into a 16-bit PCM WAV with a right header', () => {
    const left = [new Float32Array([0, 0.5]), new Float32Array([-1])];
    const right = [new Float32Array([1, -0.5]), new Float32Array([2])]; // 2 is clipped to 1
    const bytes = new DataView(
      wav16(
        [
          [left[0]!, right[0]!],
          [left[1]!, right[1]!],
        ],
        2,
        8000,
      ),
    );
    const text = (at: number) => String.fromCharCode(...new Uint8Array(bytes.buffer, at, 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(bytes.getUint32(4, true)).toBe(bytes.byteLength - 8);
    expect(bytes.getUint16(22, true)).toBe(2);
    expect(bytes.getUint32(24, true)).toBe(8000);
    expect(bytes.getUint32(40, true)).toBe(3 * 2 * 2);
    const samples = [0, 1, 2, 3, 4, 5].map((i) => bytes.getInt16(44 + 2 * i, true));
    expect(samples).toEqual([0, 32767, 16384, -16384, -32768, 32767]);
  });
});

describe('decodedWav', () => {
  it('turns an AIFF into a WAV of the same samples', async () => {
    // A 16-bit mono AIFF of four samples, written by hand.
    const frames = [0, 16384, -16384, 32767];
    const aiff = new DataView(new ArrayBuffer(12 + 26 + 16 + frames.length * 2));
    const text = (at: number, s: string) =>
      [...s].forEach((c, i) => aiff.setUint8(at + i, c.charCodeAt(0)));
    text(0, 'FORM');
    aiff.setUint32(4, aiff.byteLength - 8);
    text(8, 'AIFF');
    text(12, 'COMM');
    aiff.setUint32(16, 18);
    aiff.setUint16(20, 1); // channels
    aiff.setUint32(22, frames.length);
    aiff.setUint16(26, 16);
    // 44100 as an 80-bit extended float: exponent 16398, mantissa 0xAC44 << 48.
    aiff.setUint16(28, 0x400e);
    aiff.setUint32(30, 0xac440000);
    text(38, 'SSND');
    aiff.setUint32(42, 8 + frames.length * 2);
    frames.forEach((x, i) => aiff.setInt16(54 + 2 * i, x));
    const wav = new DataView(await (await decodedWav(new Uint8Array(aiff.buffer))).arrayBuffer());
    expect(wav.getUint32(24, true)).toBe(44100);
    expect(frames.map((_, i) => wav.getInt16(44 + 2 * i, true))).toEqual(frames);
  });
});
