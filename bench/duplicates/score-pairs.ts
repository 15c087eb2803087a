// The detailed measures are exported by the fingerprint module's entry only.
import {
  compareFingerprints,
  compareFingerprintsDetailed,
  durationExcessMs,
  highBandsCopyLimitDb,
  highBandsDifferenceDb,
  tailExcessMs,
  type Fingerprint,
  type FingerprintComparison,
  type SoundVerdict,
} from '../../shared/analysis/fingerprint/index.js';
import type { SetLabels, SetPair, Split } from './set-labels.js';

/** Pair recall must reach this (the target). */
export const RECALL_TARGET = 0.995;

export interface Tally {
  total: number;
  hit: number;
}

/** What became of the not-same pairs of one kind. */
export interface VerdictTally {
  total: number;
  same: number;
  similar: number;
  distinct: number;
}

/** A pair decided against its label, with every measure of the comparison. */
export interface PairError {
  a: string;
  b: string;
  label: SetPair['label'];
  kind: string;
  detail: string;
  /** null when a file has no fingerprint (its analysis failed or it is silent). */
  verdict: SoundVerdict | null;
  similarity: number | null;
  measures: FingerprintComparison | null;
  correlation?: number;
  reason?: string;
}

export interface SplitScore {
  split: Split | 'all';
  /** `same` pairs found (verdict same), overall and by variant. */
  recall: Tally;
  recallByVariant: Record<string, Tally>;
  /** `not-same` pairs merged (verdict same), overall and by kind. */
  falseMerges: Tally;
  verdictsByKind: Record<string, VerdictTally>;
  /** How far under the copy tests' limits the copies (not found distinct) stay, each sorted. */
  copyMargins: CopyMargins;
  errors: PairError[];
  pass: boolean;
}

/** Measures of copies against the limits a copy must keep (compare.ts). */
export interface CopyMargins {
  /** `detailSustainedDb` of sounds up to 100 ms (DETAIL_SUSTAINED_DB_MAX). */
  sustainedDb: number[];
  /** durationExcessMs of sounds that carry a detail excerpt (COPY_DURATION_MS). */
  durationExcessMs: number[];
  /** tailExcessMs, where both fingerprints hold a tail (TAIL_MS). */
  tailExcessMs: number[];
  /**
   * highBandsDifferenceDb over highBandsCopyLimitDb (above 1: not a copy), where both hold
   * high bands and a limit (both codecs known).
   */
  highBandsShare: number[];
}

/** The share of hits in a tally; 1 when it is empty. */
export const shareOf = (t: Tally) => (t.total === 0 ? 1 : t.hit / t.total);

/**
 * Scores the labelled pairs of a split with compareFingerprints, as the importer decides
 * them: recall of copies, false merges of the rest, and each error with its measures.
 */
export function scorePairs(
  labels: SetLabels,
  fingerprints: ReadonlyMap<string, Fingerprint | null>,
  split: Split | 'all',
  reasons: ReadonlyMap<string, string> = new Map(),
): SplitScore {
  const splitOf = new Map(labels.files.map((f) => [f.path, f.split]));
  const score: SplitScore = {
    split,
    recall: { total: 0, hit: 0 },
    recallByVariant: {},
    falseMerges: { total: 0, hit: 0 },
    verdictsByKind: {},
    copyMargins: { sustainedDb: [], durationExcessMs: [], tailExcessMs: [], highBandsShare: [] },
    errors: [],
    pass: false,
  };
  for (const pair of labels.pairs) {
    if (split !== 'all' && splitOf.get(pair.a) !== split) continue;
    const fa = fingerprints.get(pair.a) ?? null;
    const fb = fingerprints.get(pair.b) ?? null;
    const decided = fa && fb ? compareFingerprints(fa, fb) : null;
    const verdict = decided?.verdict ?? null;
    const merged = verdict === 'same';
    if (pair.label === 'same') {
      const byVariant = (score.recallByVariant[pair.kind] ??= { total: 0, hit: 0 });
      for (const t of [score.recall, byVariant]) {
        t.total++;
        if (merged) t.hit++;
      }
      if (fa && fb && verdict !== 'distinct') addMargins(score.copyMargins, fa, fb);
    } else {
      const byKind = (score.verdictsByKind[pair.kind] ??= {
        total: 0,
        same: 0,
        similar: 0,
        distinct: 0,
      });
      byKind.total++;
      if (verdict) byKind[verdict]++;
      score.falseMerges.total++;
      if (merged) score.falseMerges.hit++;
    }
    if (merged !== (pair.label === 'same')) {
      const reason = [reasons.get(pair.a), reasons.get(pair.b)].filter(Boolean).join('; ');
      score.errors.push({
        ...pair,
        verdict,
        similarity: decided?.similarity ?? null,
        measures: fa && fb ? compareFingerprintsDetailed(fa, fb) : null,
        ...(reason ? { reason } : {}),
      });
    }
  }
  const margins = score.copyMargins;
  for (const list of Object.values(margins) as number[][]) list.sort((x, y) => x - y);
  score.pass = shareOf(score.recall) >= RECALL_TARGET && score.falseMerges.hit === 0;
  return score;
}

/** A copy's measures against the copy tests' limits. */
function addMargins(margins: CopyMargins, fa: Fingerprint, fb: Fingerprint): void {
  const sustained = compareFingerprintsDetailed(fa, fb).detailSustainedDb;
  if (sustained !== null) margins.sustainedDb.push(sustained);
  if (fa.detail && fb.detail) margins.durationExcessMs.push(durationExcessMs(fa, fb));
  const tail = tailExcessMs(fa, fb);
  if (tail !== null) margins.tailExcessMs.push(tail);
  const limit = highBandsCopyLimitDb(fa, fb);
  if (limit !== null && fa.high && fb.high)
    margins.highBandsShare.push(highBandsDifferenceDb(fa.high, fb.high) / limit);
}
