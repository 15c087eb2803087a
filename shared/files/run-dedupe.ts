import {
  compareFingerprints,
  durationsCompatible,
  fingerprintIndexKeys,
  type Fingerprint,
} from '../analysis/index.js';
import type { FileAnalysis } from './file-analysis.js';

export interface DuplicateMatch {
  duplicateOf: string;
  by: 'content_hash' | 'fingerprint';
}

interface Known {
  path: string;
  fingerprint: Fingerprint;
}

/**
 * Recognises files of one run that repeat an earlier one: identical bytes by content hash,
 * the same sound by fingerprint, looked up through the fingerprint's index keys and verified
 * with compareFingerprints (the same scheme the server's index uses).
 */
export class RunDeduplicator {
  private readonly byHash = new Map<string, string>();
  private readonly byKey = new Map<string, Known[]>();

  /** Returns the earlier file this one repeats, or null; then remembers this one. */
  check(file: FileAnalysis): DuplicateMatch | null {
    if (file.status !== 'ok' || !file.contentHash) return null;
    return this.checkSound(file.path, file.contentHash, file.analysis?.fingerprint ?? null);
  }

  /** The same, from a file's content hash and fingerprint (as a manifest entry holds them). */
  checkSound(
    path: string,
    contentHash: string,
    fingerprint: Fingerprint | null,
  ): DuplicateMatch | null {
    const sameBytes = this.byHash.get(contentHash);
    if (sameBytes) return { duplicateOf: sameBytes, by: 'content_hash' };
    this.byHash.set(contentHash, path);
    if (!fingerprint) return null;
    const keys = fingerprintIndexKeys(fingerprint);
    const tried = new Set<Known>();
    for (const key of keys) {
      for (const known of this.byKey.get(key) ?? []) {
        if (tried.has(known)) continue;
        tried.add(known);
        if (!durationsCompatible(known.fingerprint, fingerprint)) continue;
        if (compareFingerprints(known.fingerprint, fingerprint).sameSound) {
          return { duplicateOf: known.path, by: 'fingerprint' };
        }
      }
    }
    const entry = { path, fingerprint };
    for (const key of keys) {
      const list = this.byKey.get(key);
      if (list) list.push(entry);
      else this.byKey.set(key, [entry]);
    }
    return null;
  }
}
