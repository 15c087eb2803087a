import type { FingerprintInput } from '../../../shared/schemas/index.js';
import { indexKeysOf } from './sound-match.js';
import { timbreColumns, type TimbreColumns } from './timbre-columns.js';

/**
 * What a fingerprint fills in a library row: itself, its index keys, its screening fields and
 * its timbre vector.
 */
export interface FingerprintColumns extends TimbreColumns {
  fingerprint: FingerprintInput | null;
  fingerprintKeys: string[];
  fpDurationMs: number | null;
  fpEdgeMs: number | null;
  fpProfile: string | null;
}

/**
 * The columns a fresh import writes for `fingerprint` (none for a silent file: null), as the
 * ingest derives them. null when its packed fields do not decode (no index keys).
 */
export function fingerprintColumns(
  fingerprint: FingerprintInput | null,
): FingerprintColumns | null {
  const keys = fingerprint ? indexKeysOf(fingerprint) : [];
  if (keys === null) return null;
  return {
    fingerprint,
    fingerprintKeys: keys,
    fpDurationMs: fingerprint?.durationMs ?? null,
    fpEdgeMs: fingerprint?.edgeMs ?? null,
    fpProfile: fingerprint?.profile ?? null,
    ...timbreColumns(fingerprint),
  };
}
