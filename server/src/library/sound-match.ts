import {
  closestCandidates,
  compareFingerprintsDetailed,
  fingerprintIndexKeys,
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

/** A candidate and the comparison's similarity to it (0..1). */
export interface SoundMatch<T> {
  candidate: T;
  similarity: number;
}

/**
 * What the candidates are to a sound, by compareFingerprints' verdict alone: the first that is
 * the same sound (a certain copy; never a version-1 fingerprint, compareFingerprints sees to
 * that), and those that are similar (close, not certainly the same), closest first.
 */
export interface SoundMatches<T> {
  same: SoundMatch<T> | null;
  similar: SoundMatch<T>[];
}

export const NO_MATCHES: SoundMatches<never> = { same: null, similar: [] };

/**
 * What a search wants: every match (`all`), or only whether a certain copy exists (`same`:
 * the comparisons stop at the first, and `similar` is then partial), as when a copy is
 * answered by rejecting the item and its similar sounds are not reported.
 */
export type MatchWanted = 'all' | 'same';

/**
 * Compares `fingerprint` whole with every candidate (in the given order) that has a fingerprint:
 * candidates chosen by closestCandidates, whose screen they passed.
 */
export function matchSounds<T extends { fingerprint?: FingerprintInput | null }>(
  fingerprint: FingerprintInput,
  candidates: readonly T[],
  wanted: MatchWanted = 'all',
): SoundMatches<T> {
  let same: SoundMatch<T> | null = null;
  const similar: SoundMatch<T>[] = [];
  for (const candidate of candidates) {
    if (same && wanted === 'same') break;
    if (!candidate.fingerprint) continue;
    try {
      // The candidates passed quickSimilarity's screen in closestCandidates: compared whole at
      // once (compareFingerprints would screen them again, with the same verdict).
      const { verdict, similarity } = compareFingerprintsDetailed(
        candidate.fingerprint,
        fingerprint,
      );
      if (verdict === 'same') same ??= { candidate, similarity };
      else if (verdict === 'similar') similar.push({ candidate, similarity });
    } catch {
      // A stored fingerprint that no longer decodes matches nothing.
    }
  }
  similar.sort((a, b) => b.similarity - a.similarity);
  return { same, similar };
}

/** What a database candidate carries before it is loaded whole. */
export interface CandidateSummary {
  id: string;
  durationMs: number | null;
  edgeMs: number | null;
  /** The fingerprint's long-term spectrum (base64), ~220 bytes of its ~6.5 KB. */
  profile: string | null;
}

/** A candidate loaded whole: its fingerprint, and what the caller wants to know of a match. */
export interface LoadedSound {
  id: string;
  fingerprint: FingerprintInput | null;
}

/**
 * When only a copy is wanted, survivors are loaded this many at a time, closest first: the
 * copy is nearly always the closest, and the others' fingerprints (~6.5 KB each) stay unread.
 */
const SAME_FIRST_LOAD = 4;

/**
 * {@link matchSounds} over database candidates (a pool, most shared index keys first): the
 * closest by duration and long-term spectrum (`closestCandidates`) are loaded whole, through
 * `load`, and compared.
 */
export async function findSounds<D extends LoadedSound>(
  fingerprint: FingerprintInput,
  candidates: readonly CandidateSummary[],
  load: (ids: string[]) => Promise<Map<string, D>>,
  wanted: MatchWanted = 'all',
): Promise<SoundMatches<D>> {
  const survivors = closestCandidates(fingerprint, candidates, (c) =>
    c.durationMs === null || c.edgeMs === null || !c.profile
      ? null
      : { durationMs: c.durationMs, edgeMs: c.edgeMs, profile: c.profile },
  );
  const step = wanted === 'same' ? SAME_FIRST_LOAD : survivors.length;
  let same: SoundMatch<D> | null = null;
  const similar: SoundMatch<D>[] = [];
  for (let at = 0; at < survivors.length && !same; at += step) {
    const ids = survivors.slice(at, at + step).map((c) => c.id);
    const loaded = await load(ids);
    const matches = matchSounds(
      fingerprint,
      ids.flatMap((id) => loaded.get(id) ?? []),
      wanted,
    );
    same = matches.same;
    similar.push(...matches.similar);
  }
  similar.sort((a, b) => b.similarity - a.similarity);
  return { same, similar };
}
