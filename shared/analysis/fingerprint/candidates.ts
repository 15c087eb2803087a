import { quickSimilarity, SIMILAR_MIN_SIMILARITY, type FingerprintSummary } from './compare.js';

/**
 * Candidates one same-sound check gathers through the index keys, most shared keys first: in
 * the server's index, among a batch's entries and within a run. Copies share nearly all 16
 * keys, but so do hundreds of sounds of one length and colour (a folder of kicks, a pack of
 * tones a few cents apart), so shared keys alone do not rank a copy ahead of its neighbours.
 */
export const SOUND_CANDIDATE_POOL = 256;

/**
 * Candidates of the pool compared whole (their band matrices loaded and aligned), closest
 * long-term spectrum first: this bounds the work of one check. Ranked by closeness, 16 lose
 * no copy that 32 find (the 10,000 tones below: none missed with 8 or 16 of a pool of 256;
 * 32 of 256 missed none in an earlier replay of the same tones), and each is a whole
 * comparison: with 32, the preflight of `npm run bench:server`
 * (2,000 synthetic sounds, crowded) answered 70 items/s, with 16 113, against 189 before,
 * with the first 32 by shared keys unranked (most of them then failed the cheap screen).
 */
export const MAX_SOUND_CANDIDATES = 16;

/**
 * The candidates worth a whole comparison with `fingerprint`, at most MAX_SOUND_CANDIDATES:
 * those whose duration and long-term spectrum (`quickSimilarity`, an upper bound of the
 * similarity) leave them possibly similar, closest first; equally close ones keep the pool's
 * order. A candidate without a summary, or whose summary does not decode, is left out.
 * Ranked this way, a copy among hundreds of near-identical sounds sharing its keys is still
 * compared. 10,000 synthesised tones at 0.13 % steps of pitch, their 6,082 copies checked again
 * against the 3,918 sounds a first pass kept: the first 32 by shared keys missed 299 copies;
 * ranked by closeness, a pool of 64 missed 90, of 128 19, of 256 none.
 */
export function closestCandidates<T>(
  fingerprint: FingerprintSummary,
  pool: readonly T[],
  summaryOf: (candidate: T) => FingerprintSummary | null,
): T[] {
  const similarity = (summary: FingerprintSummary, spectrumOnly: boolean): number => {
    try {
      return quickSimilarity(summary, fingerprint, spectrumOnly);
    } catch {
      return 0;
    }
  };
  // The looser bound without the pitch test ranks the pool; the exact one is then computed
  // only until enough candidates pass it.
  const bounded: { candidate: T; summary: FingerprintSummary; bound: number; order: number }[] = [];
  pool.forEach((candidate, order) => {
    const summary = summaryOf(candidate);
    if (!summary) return;
    const bound = similarity(summary, true);
    if (bound >= SIMILAR_MIN_SIMILARITY) bounded.push({ candidate, summary, bound, order });
  });
  bounded.sort((a, b) => b.bound - a.bound || a.order - b.order);
  const chosen: { candidate: T; quick: number; order: number }[] = [];
  for (const { candidate, summary, order } of bounded) {
    if (chosen.length === MAX_SOUND_CANDIDATES) break;
    const quick = similarity(summary, false);
    if (quick >= SIMILAR_MIN_SIMILARITY) chosen.push({ candidate, quick, order });
  }
  chosen.sort((a, b) => b.quick - a.quick || a.order - b.order);
  return chosen.map((c) => c.candidate);
}

/**
 * An inverted index of sounds by their index keys, for lookups made in memory (a run of the
 * CLI or the wizard, an ingest batch, the library rows one preflight request reads at once):
 * the pool of one lookup holds the sounds sharing the most keys with it, earliest added first
 * among equals, at most SOUND_CANDIDATE_POOL. Index keys keep their place
 * (`fingerprintIndexKeys`), so counting a sound once per key list it appears in counts the keys
 * it shares.
 */
export class SoundKeyIndex<T> {
  private readonly byKey = new Map<string, { item: T; seq: number }[]>();
  private added = 0;

  /**
   * @param keyScan entries of one key looked at per lookup, the latest first: a bound that
   *   keeps a run of thousands of near-identical sounds from costing time squared (a copy
   *   shares nearly all 16 keys, so it is found through whichever key is not crowded).
   */
  constructor(private readonly keyScan = Infinity) {}

  add(item: T, keys: readonly string[]): void {
    const entry = { item, seq: this.added++ };
    for (const key of keys) {
      const list = this.byKey.get(key);
      if (list) list.push(entry);
      else this.byKey.set(key, [entry]);
    }
  }

  /** The sounds sharing a key with `keys` that `accept` lets in: most shared keys first. */
  pool(keys: readonly string[], accept: (item: T) => boolean): T[] {
    const shared = new Map<{ item: T; seq: number }, number>();
    for (const key of keys) {
      const list = this.byKey.get(key) ?? [];
      for (let i = list.length - 1; i >= Math.max(0, list.length - this.keyScan); i--) {
        const entry = list[i]!;
        shared.set(entry, (shared.get(entry) ?? 0) + 1);
      }
    }
    const ranked: [{ item: T; seq: number }, number][] = [];
    for (const [entry, count] of shared) if (accept(entry.item)) ranked.push([entry, count]);
    ranked.sort((a, b) => b[1] - a[1] || a[0].seq - b[0].seq);
    return ranked.slice(0, SOUND_CANDIDATE_POOL).map(([entry]) => entry.item);
  }
}
