import type { FingerprintInput } from '../../../shared/schemas/index.js';
import { TIMBRE_VERSION, timbreCell, timbreVector } from '../../../shared/analysis/index.js';
import { base64ToBytes, bytesToBase64 } from '../../../shared/analysis/fingerprint/base64.js';

/** What a fingerprint fills in a library row for similar sounds by timbre. */
export interface TimbreColumns {
  /** The timbre vector: its version, then base64 of little-endian float32 ({@link timbreText}). */
  timbre: string | null;
  timbreCell: number | null;
}

/**
 * How a stored vector of this release's TIMBRE_VERSION begins. Vectors stored before versions
 * were (version 1) are bare base64, which never holds a colon. The backfill finds the rows
 * without it (SQL `NOT LIKE`), and reading ignores them until they are computed again.
 */
export const TIMBRE_TEXT_PREFIX = `${TIMBRE_VERSION}:`;

/** A timbre vector as the `timbre` column stores it: its version, then base64 of float32 (LE). */
export function timbreText(vector: ArrayLike<number>): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return TIMBRE_TEXT_PREFIX + bytesToBase64(bytes);
}

/**
 * The vector a `timbre` column holds ({@link timbreText} read back), or null when it is of
 * another version than this release's: its numbers mean other features, not comparable.
 * @throws Error when the text is not base64.
 */
export function timbreOfText(text: string): Float32Array | null {
  if (!text.startsWith(TIMBRE_TEXT_PREFIX)) return null;
  const bytes = base64ToBytes(text.slice(TIMBRE_TEXT_PREFIX.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * The timbre vector and index cell of a fingerprint; nulls for none (a silent file) or one
 * whose packed fields do not decode (it is then found by nothing, as by the duplicate check).
 */
export function timbreColumns(fingerprint: FingerprintInput | null): TimbreColumns {
  if (!fingerprint) return { timbre: null, timbreCell: null };
  try {
    const vector = timbreVector(fingerprint);
    return { timbre: timbreText(vector), timbreCell: timbreCell(vector) };
  } catch {
    return { timbre: null, timbreCell: null };
  }
}
