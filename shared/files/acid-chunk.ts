import { fileChunks, fourCc } from './iff-chunks.js';

/** ACID chunk flag: the file is a one-shot, not a loop (its tempo means nothing). */
const ACID_ONE_SHOT = 0x01;
const ACID_BYTES = 24;

/**
 * The tempo an ACIDized WAV declares in its `acid` chunk (loop packs write it for ACID,
 * FL Studio and Ableton): null without one, for a chunk flagged one-shot, or a tempo outside
 * 30-300 BPM. Reads the RIFF chunks within `bytes` (the whole file, or its head); never
 * throws. Pure.
 */
export function acidTempo(bytes: Uint8Array): number | null {
  if (bytes.length < 12 || fourCc(bytes, 0) !== 'RIFF' || fourCc(bytes, 8) !== 'WAVE') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { id, at, size } of fileChunks(bytes, true)) {
    if (id !== 'acid') continue;
    if (size < ACID_BYTES || at + ACID_BYTES > bytes.length) return null;
    if (view.getUint32(at, true) & ACID_ONE_SHOT) return null;
    const bpm = view.getFloat32(at + 20, true);
    return bpm >= 30 && bpm <= 300 ? Math.round(bpm * 100) / 100 : null;
  }
  return null;
}
