import { compareFingerprints, fingerprintIndexKeys } from '../../../shared/analysis/index.js';
import type { FingerprintInput } from '../../../shared/schemas/index.js';

/**
 * The index keys of a fingerprint, or null when its packed fields do not decode (the entry
 * is then refused: a fingerprint the server cannot compare would let duplicates in).
 */
export function indexKeysOf(fingerprint: FingerprintInput): string[] | null {
  try {
    return fingerprintIndexKeys(fingerprint);
  } catch {
    return null;
  }
}

/** The first candidate that is the same sound as `fingerprint`, or null. */
export function firstSameSound<T extends { fingerprint?: FingerprintInput | null }>(
  fingerprint: FingerprintInput,
  candidates: readonly T[],
): T | null {
  for (const candidate of candidates) {
    if (!candidate.fingerprint) continue;
    try {
      const result = compareFingerprints(candidate.fingerprint, fingerprint);
      if (result.sameSound) return candidate;
    } catch {
      // A stored fingerprint that no longer decodes matches nothing.
    }
  }
  return null;
}
