import {
  closestCandidates,
  compareFingerprintsDetailed,
  durationsMayBeSimilar,
  fingerprintIndexKeys,
  SoundKeyIndex,
  type Fingerprint,
} from '../analysis/index.js';
import { MAX_SIMILAR_TO } from '../schemas/index.js';
import type { FileAnalysis } from './file-analysis.js';

export interface DuplicateMatch {
  duplicateOf: string;
  by: 'content_hash' | 'fingerprint';
}

/** What the run knows of a file: the earlier file it copies, and earlier files close to it. */
export interface RunMatch {
  /** The earlier file this one is a copy of (never on a guess); null when none. */
  duplicate: DuplicateMatch | null;
  /**
   * Earlier files that sound close without being certainly the same (two recordings of one hit,
   * an edit of it): both are kept. Best first, at most {@link MAX_SIMILAR_TO}; empty for a copy.
   */
  similarTo: string[];
}

interface Known {
  path: string;
  fingerprint: Fingerprint;
}

/**
 * Sounds of one index key looked at per check, the latest first. Copies share nearly all 16
 * keys, so a copy is found through whichever of its keys is not crowded; the bound keeps a run
 * of thousands of near-identical sounds (a folder of hi-hats) from costing time squared.
 */
const BUCKET_SCAN = 512;

/**
 * Recognises files of one run that repeat an earlier one: identical bytes by content hash,
 * the same sound by fingerprint, looked up through the fingerprint's index keys and verified
 * with compareFingerprints on the closest of the candidates that share the most keys (the same
 * scheme, pool and cap as the server's index: `closestCandidates`).
 */
export class RunDeduplicator {
  private readonly byHash = new Map<string, string>();
  /** Of two equally good candidates the earlier file is the original: the index's order. */
  private readonly byKey = new SoundKeyIndex<Known>(BUCKET_SCAN);

  /** Returns the earlier file this one repeats and those close to it; then remembers this one. */
  check(file: FileAnalysis): RunMatch {
    if (file.status !== 'ok' || !file.contentHash) return { duplicate: null, similarTo: [] };
    return this.checkSound(file.path, file.contentHash, file.analysis?.fingerprint ?? null);
  }

  /** The same, from a file's content hash and fingerprint (as a manifest entry holds them). */
  checkSound(path: string, contentHash: string, fingerprint: Fingerprint | null): RunMatch {
    const sameBytes = this.byHash.get(contentHash);
    if (sameBytes)
      return { duplicate: { duplicateOf: sameBytes, by: 'content_hash' }, similarTo: [] };
    this.byHash.set(contentHash, path);
    if (!fingerprint) return { duplicate: null, similarTo: [] };
    const keys = fingerprintIndexKeys(fingerprint);
    const similar: { path: string; similarity: number }[] = [];
    for (const known of this.candidates(keys, fingerprint)) {
      // Screened by closestCandidates already: compared whole at once.
      const { verdict, similarity } = compareFingerprintsDetailed(known.fingerprint, fingerprint);
      if (verdict === 'same') {
        return { duplicate: { duplicateOf: known.path, by: 'fingerprint' }, similarTo: [] };
      }
      if (verdict === 'similar') similar.push({ path: known.path, similarity });
    }
    similar.sort((x, y) => y.similarity - x.similarity);
    this.byKey.add({ path, fingerprint }, keys);
    return { duplicate: null, similarTo: similar.slice(0, MAX_SIMILAR_TO).map((s) => s.path) };
  }

  /**
   * Known sounds of a length that may be similar: a pool of the most shared keys first (then
   * earliest), of which the closest are compared.
   */
  private candidates(keys: string[], fingerprint: Fingerprint): Known[] {
    const pool = this.byKey.pool(keys, (known) =>
      durationsMayBeSimilar(known.fingerprint, fingerprint),
    );
    return closestCandidates(fingerprint, pool, (known) => known.fingerprint);
  }
}
