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
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'acid') {
      if (size < ACID_BYTES || at + 8 + ACID_BYTES > bytes.length) return null;
      if (view.getUint32(at + 8, true) & ACID_ONE_SHOT) return null;
      const bpm = view.getFloat32(at + 8 + 20, true);
      return bpm >= 30 && bpm <= 300 ? Math.round(bpm * 100) / 100 : null;
    }
    at += 8 + size + (size & 1);
  }
  return null;
}
