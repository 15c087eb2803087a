import { writeFile } from 'node:fs/promises';
import { encodeWav } from '../../fixtures/lib/wav.js';

/**
 * The large file of the interruption tests: 40 MB, whose upload in SMALL_CHUNKS takes long
 * enough to be cut short.
 */
export const LARGE_BYTES = 40 * 1000 * 1000;
/** The upload chunk size (SM_IMPORT_CHUNK_BYTES) that makes LARGE_BYTES a run of many requests. */
export const SMALL_CHUNKS = '262144';

/** Writes a WAV of `bytes` bytes of quiet stereo noise, different on every call. */
export async function writeLargeWav(file: string, bytes: number): Promise<void> {
  const frames = Math.floor((bytes - 44) / 4);
  const channels = [new Float32Array(frames), new Float32Array(frames)];
  for (const ch of channels) for (let i = 0; i < frames; i++) ch[i] = (Math.random() - 0.5) * 0.4;
  await writeFile(file, encodeWav({ sr: 44100, ch: channels }, { bits: 16 }));
}
