import {
  compareFingerprints,
  durationsCompatible,
  fingerprintIndexKeys,
  quickSimilarity,
} from '../../../shared/analysis/index.js';
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
    if (!candidate.fingerprint || !durationsCompatible(candidate.fingerprint, fingerprint))
      continue;
    try {
      const result = compareFingerprints(candidate.fingerprint, fingerprint);
      if (result.sameSound) return candidate;
    } catch {
      // A stored fingerprint that no longer decodes matches nothing.
    }
  }
  return null;
}

/** What a database candidate carries before its fingerprint is loaded whole. */
export interface CandidateSummary {
  id: string;
  durationMs: number | null;
  edgeMs: number | null;
  /** The fingerprint's long-term spectrum (base64), ~220 bytes of its ~6.5 KB. */
  profile: string | null;
}

/**
 * The first candidate (in the given order) that is the same sound as `fingerprint`, or null.
 * Candidates are screened by duration and long-term spectrum (`quickSimilarity`), and only
 * the few that pass have their whole fingerprint loaded, through `load`, and compared.
 */
export async function findSameSound<T extends CandidateSummary>(
  fingerprint: FingerprintInput,
  candidates: readonly T[],
  load: (ids: string[]) => Promise<Map<string, FingerprintInput>>,
): Promise<T | null> {
  const survivors = candidates.filter((c) => {
    if (c.durationMs === null || c.edgeMs === null || !c.profile) return false;
    try {
      const summary = { durationMs: c.durationMs, edgeMs: c.edgeMs, profile: c.profile };
      return quickSimilarity(summary, fingerprint) >= 0.5;
    } catch {
      return false;
    }
  });
  if (survivors.length === 0) return null;
  const full = await load(survivors.map((c) => c.id));
  for (const candidate of survivors) {
    const stored = full.get(candidate.id);
    if (stored && firstSameSound(fingerprint, [{ fingerprint: stored }])) return candidate;
  }
  return null;
}
