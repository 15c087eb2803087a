import { describe, expect, it } from 'vitest';
import { decodeInProcess } from './decoded.js';
import { appleLoopHints } from './apple-loop-chunk.js';
import { hintsFromBytes } from './tag-hints.js';

const RATE = 22050;

/** A `basc` chunk as Apple Loops write it (84 bytes, big-endian). */
function bascChunk(beats: number, rootNote: number, scale: number, loopType = 0): Buffer {
  const chunk = Buffer.alloc(8 + 84);
  chunk.write('basc', 0);
  chunk.writeUInt32BE(84, 4);
  chunk.writeUInt32BE(1, 8); // version
  chunk.writeUInt32BE(beats, 12);
  chunk.writeUInt16BE(rootNote, 16);
  chunk.writeUInt16BE(scale, 18);
  chunk.writeUInt16BE(4, 20);
  chunk.writeUInt16BE(4, 22);
  chunk.writeUInt16BE(loopType, 24);
  return chunk;
}

/** `seconds` of silence as a 16-bit mono AIFF at 22,050 Hz, with `extra` chunks before or after it. */
function aiff(seconds: number, extra: Buffer[], where: 'before' | 'after' = 'before'): Uint8Array {
  const frames = Math.round(seconds * RATE);
  const comm = Buffer.alloc(8 + 18);
  comm.write('COMM', 0);
  comm.writeUInt32BE(18, 4);
  comm.writeUInt16BE(1, 8);
  comm.writeUInt32BE(frames, 10);
  comm.writeUInt16BE(16, 14);
  // 22,050 as an 80-bit extended float: exponent 16383 + 14, mantissa 22050 << 49.
  comm.writeUInt16BE(0x400d, 16);
  comm.writeUInt32BE(0xac440000, 18);
  const ssnd = Buffer.alloc(8 + 8 + frames * 2);
  ssnd.write('SSND', 0);
  ssnd.writeUInt32BE(8 + frames * 2, 4);
  const chunks = where === 'before' ? [comm, ...extra, ssnd] : [comm, ssnd, ...extra];
  const file = Buffer.concat([Buffer.from('FORM....AIFF'), ...chunks]);
  file.writeUInt32BE(file.length - 8, 4);
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

describe('the tempo and key of an Apple Loop', () => {
  it('are its beats over its length, and its root note and scale', async () => {
    const file = aiff(4, [bascChunk(8, 57, 1)]); // 8 beats in 4 s, A minor
    expect((await decodeInProcess('aiff', file)).stats.frames).toBe(4 * RATE);
    expect(appleLoopHints(file)).toEqual({ bpm: 120, key: { tonic: 9, mode: 'minor' } });
    expect(appleLoopHints(aiff(3.75, [bascChunk(8, 51, 2)], 'after'))).toEqual({
      bpm: 128,
      key: { tonic: 3, mode: 'major' },
    });
  });

  it('give no key for a loop that fits both modes or neither, no tempo for a one-shot', () => {
    expect(appleLoopHints(aiff(2, [bascChunk(4, 48, 3)]))).toEqual({ bpm: 120, key: null });
    expect(appleLoopHints(aiff(2, [bascChunk(4, 48, 4)]))?.key).toBeNull();
    expect(appleLoopHints(aiff(2, [bascChunk(1, 50, 2, 1)]))).toEqual({
      bpm: null,
      key: { tonic: 2, mode: 'major' },
    });
    expect(appleLoopHints(aiff(2, [bascChunk(0, 50, 2)]))?.bpm).toBeNull();
  });

  it('are nothing without a basc chunk, with one cut short, or in a file that is not AIFF', () => {
    expect(appleLoopHints(aiff(1, []))).toBeNull();
    expect(appleLoopHints(aiff(1, [bascChunk(4, 48, 2)], 'after').subarray(0, -80))).toBeNull();
    expect(appleLoopHints(new TextEncoder().encode('RIFF....WAVEfmt '))).toBeNull();
  });

  it('are hints when the tags give none, ahead of the name', async () => {
    const hints = await hintsFromBytes('Loop 90 BPM Cmaj.aif', aiff(4, [bascChunk(8, 54, 1)]));
    expect(hints).toEqual({ bpm: 120, key: { tonic: 6, mode: 'minor' } });
    const plain = await hintsFromBytes('Loop 90 BPM Cmaj.aif', aiff(1, []));
    expect(plain).toEqual({ bpm: 90, key: { tonic: 0, mode: 'major' } });
  });
});
