import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../fixtures/lib/wav.js';
import { acidTempo } from './acid-chunk.js';
import { hintsFromBytes } from './tag-hints.js';

/** An `acid` chunk as ACID and the loop packs write it: flags, root note, beats, meter, tempo. */
function acidChunk(bpm: number, flags = 0x02): Buffer {
  const chunk = Buffer.alloc(8 + 24);
  chunk.write('acid', 0);
  chunk.writeUInt32LE(24, 4);
  chunk.writeUInt32LE(flags, 8);
  chunk.writeUInt16LE(60, 12); // root note: C4
  chunk.writeUInt32LE(8, 20); // beats
  chunk.writeUInt16LE(4, 24);
  chunk.writeUInt16LE(4, 26);
  chunk.writeFloatLE(bpm, 28);
  return chunk;
}

/** A second of silence as a 16-bit WAV, with `extra` chunks before or after its data. */
function wav(extra: Buffer[], where: 'before' | 'after' = 'before'): Uint8Array {
  const plain = encodeWav({ sr: 44100, ch: [new Float32Array(44100)] }, { bits: 16 });
  const body = plain.subarray(12);
  const fmt = body.subarray(0, 8 + body.readUInt32LE(4));
  const data = body.subarray(fmt.length);
  const chunks = where === 'before' ? [fmt, ...extra, data] : [fmt, data, ...extra];
  const head = Buffer.from('RIFF....WAVE');
  const file = Buffer.concat([head, ...chunks]);
  file.writeUInt32LE(file.length - 8, 4);
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

describe('the tempo of an ACIDized WAV', () => {
  it('is read from its acid chunk, before or after the audio', () => {
    expect(acidTempo(wav([acidChunk(126)]))).toBe(126);
    expect(acidTempo(wav([acidChunk(87.5)], 'after'))).toBe(87.5);
  });

  it('is no tempo for a one-shot, an absurd tempo, a chunk cut short or a file without one', () => {
    expect(acidTempo(wav([acidChunk(120, 0x01)]))).toBeNull();
    expect(acidTempo(wav([acidChunk(0)]))).toBeNull();
    expect(acidTempo(wav([acidChunk(120)], 'after').subarray(0, -10))).toBeNull();
    expect(acidTempo(wav([]))).toBeNull();
    expect(acidTempo(new TextEncoder().encode('not a wav at all'))).toBeNull();
  });

  it('is a tempo hint when the tags give none, ahead of the name', async () => {
    const hints = await hintsFromBytes('Loop 90 BPM.wav', wav([acidChunk(128)]));
    expect(hints.bpm).toBe(128);
    expect((await hintsFromBytes('Loop 90 BPM.wav', wav([]))).bpm).toBe(90);
  });
});
