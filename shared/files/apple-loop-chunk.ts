import { readExtended } from '../decode/aiff-comm.js';
import type { MusicalKey } from '../music/key-names.js';
import { fileChunks, fourCc } from './iff-chunks.js';

/** The `basc` chunk of an Apple Loop: version, beats, root note, scale, meter, loop type. */
const BASC_BYTES = 14;
const SCALE_MINOR = 1;
const SCALE_MAJOR = 2;
const LOOP_TYPE_ONE_SHOT = 1;

/** What an Apple Loop declares of its music. */
export interface AppleLoopHints {
  bpm: number | null;
  key: MusicalKey | null;
}

/**
 * The tempo and key an Apple Loop (an AIFF that GarageBand and Logic index) declares in its
 * `basc` chunk: the tempo from its number of beats over the length its `COMM` chunk gives, the
 * key from its root note and scale (none when the loop says it fits both modes or neither).
 * No tempo for a loop flagged one-shot, or one outside 30-300 BPM. Null without the two chunks
 * within `bytes` (the whole file, or its head); never throws. Pure.
 */
export function appleLoopHints(bytes: Uint8Array): AppleLoopHints | null {
  const form = fourCc(bytes, 8);
  if (bytes.length < 12 || fourCc(bytes, 0) !== 'FORM' || (form !== 'AIFF' && form !== 'AIFC'))
    return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let seconds: number | null = null;
  let basc: number | null = null;
  for (const { id, at, size } of fileChunks(bytes, false)) {
    if (id === 'COMM' && size >= 18 && at + 18 <= bytes.length) {
      const frames = view.getUint32(at + 2, false);
      const rate = readExtended(bytes.subarray(at + 8, at + 18));
      if (frames > 0 && rate > 0 && Number.isFinite(rate)) seconds = frames / rate;
    } else if (id === 'basc' && size >= BASC_BYTES && at + BASC_BYTES <= bytes.length) {
      basc = at;
    }
  }
  if (basc === null) return null;
  const beats = view.getUint32(basc + 4, false);
  const root = view.getUint16(basc + 8, false);
  const scale = view.getUint16(basc + 10, false);
  const oneShot =
    bytes.length >= basc + 18 && view.getUint16(basc + 16, false) === LOOP_TYPE_ONE_SHOT;
  const tempo = seconds && beats > 0 && !oneShot ? (beats * 60) / seconds : null;
  const mode = scale === SCALE_MINOR ? 'minor' : scale === SCALE_MAJOR ? 'major' : null;
  return {
    bpm: tempo !== null && tempo >= 30 && tempo <= 300 ? Math.round(tempo * 100) / 100 : null,
    key: mode && root > 0 ? { tonic: root % 12, mode } : null,
  };
}
