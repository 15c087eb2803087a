import { randomUUID } from 'node:crypto';
import {
  MAX_SIMILAR_TO,
  type FingerprintInput,
  type ManifestEntry,
  type OnDuplicate,
} from '../../../shared/schemas/index.js';
import {
  closestCandidates,
  durationsMayBeSimilar,
  SoundKeyIndex,
} from '../../../shared/analysis/index.js';
import type { Repositories } from '../db/unit-of-work.js';
import {
  findSounds,
  indexKeysOf,
  matchSounds,
  type CandidateSummary,
  type SoundMatch,
  type SoundMatches,
} from '../library/sound-match.js';
import type { AudioFileRow, SoundLookup } from '../library/audio-file.repository.js';
import type { NewEntryLink } from '../library/similar-link.repository.js';
import type { NewEntryRow } from './import-entry.repository.js';
import { storable, type JobRow } from './import-job.repository.js';

type DecidedRow = NewEntryRow & { id: string };
type BatchRow = DecidedRow & { fingerprintKeys: string[] };
/** What an entry becomes, and the sounds it is similar to (empty unless it is kept). */
type Decision = { row: DecidedRow; similar: NewEntryLink[] } | { refused: string };
/** An entry of the job as a match: `assetId` once its file is stored. */
type JobSound = { id: string; path: string; assetId?: string | null };

/**
 * Decides what each new entry of one ingest batch becomes: a duplicate of a library file or
 * of an earlier entry of the job (identical bytes, or the same sound unless `keep-both`), or an
 * entry waiting for its upload, linked to the earlier entries and library files it is similar
 * to (under `keep-both`, a same sound kept is linked as similar too). Content hashes are looked
 * up once for the whole batch, and so are the library's candidates of its sounds; entries of the
 * batch itself are matched in memory, so one call makes few round trips.
 */
export class BatchDeduper {
  private readonly batchByHash = new Map<string, DecidedRow>();
  /** Entries of this batch that stand for a sound, by id and by index key. */
  private readonly batchLive = new Map<string, BatchRow>();
  private readonly batchSounds = new SoundKeyIndex<BatchRow>();

  private constructor(
    private readonly repos: Repositories,
    private readonly job: JobRow,
    private readonly libraryByHash: Map<string, AudioFileRow>,
    private readonly jobByHash: Map<string, { id: string; path: string }>,
    /** The library's candidates of each entry, read for the whole batch at once. */
    private readonly libraryPools: Map<ManifestEntry, CandidateSummary[]>,
    /** Each entry's index keys (null: its fingerprint does not decode). */
    private readonly keysOf: Map<ManifestEntry, string[] | null>,
  ) {}

  static async load(
    repos: Repositories,
    job: JobRow,
    entries: ManifestEntry[],
  ): Promise<BatchDeduper> {
    const hashes = [
      ...new Set(entries.flatMap((e) => (e.status === 'ok' ? [e.content_hash] : []))),
    ];
    const [library, jobEntries] = await Promise.all([
      repos.audioFiles.findByHashes(job.ownerId, hashes),
      repos.entries.findLiveByHashes(job.id, hashes),
    ]);
    const libraryByHash = new Map(library.map((row) => [row.contentHash, row]));
    // Each fingerprint's keys are computed once (they decode its band matrix), here.
    const keysOf = new Map<ManifestEntry, string[] | null>();
    const lookups = new Map<ManifestEntry, SoundLookup>();
    for (const entry of entries) {
      if (entry.status !== 'ok' || !entry.fingerprint) continue;
      const keys = indexKeysOf(entry.fingerprint);
      keysOf.set(entry, keys);
      if (libraryByHash.has(entry.content_hash)) continue;
      if (keys && keys.length > 0) lookups.set(entry, { fingerprint: entry.fingerprint, keys });
    }
    const pools = await repos.audioFiles.findSoundCandidatesOfMany(job.ownerId, [
      ...lookups.values(),
    ]);
    return new BatchDeduper(
      repos,
      job,
      libraryByHash,
      new Map(jobEntries.map((row) => [row.contentHash!, row])),
      new Map([...lookups.keys()].map((entry, i) => [entry, pools[i]!])),
      keysOf,
    );
  }

  /**
   * @param replacingId the entry whose content this entry replaces (a changed file): it keeps
   *   that id and is never taken for a duplicate of itself, nor similar to itself.
   */
  async decide(entry: ManifestEntry, replacingId?: string): Promise<Decision> {
    const base = {
      id: replacingId ?? randomUUID(),
      jobId: this.job.id,
      ownerId: this.job.ownerId,
      path: entry.path,
    };
    if (entry.status === 'error') {
      const reason = storable(entry.error);
      return { row: { ...base, state: 'failed', reason, retryable: false }, similar: [] };
    }
    const keys = entry.fingerprint
      ? (this.keysOf.get(entry) ?? indexKeysOf(entry.fingerprint))
      : [];
    if (keys === null) {
      return {
        refused:
          'fingerprint does not decode (matrix or profile is not valid base64 of the right length)',
      };
    }
    const policy: OnDuplicate = entry.on_duplicate ?? this.job.onDuplicate;
    const row = {
      ...base,
      state: 'pending_upload' as const,
      reason: null,
      retryable: false,
      uploadId: null,
      duplicateOfAssetId: null,
      duplicateOfEntryId: null,
      duplicateOfPath: null,
      duplicateMatch: null,
      onDuplicate: entry.on_duplicate ?? null,
      contentHash: entry.content_hash,
      sizeBytes: entry.size_bytes,
      fingerprint: entry.fingerprint ?? null,
      fingerprintKeys: keys,
      fpDurationMs: entry.fingerprint?.durationMs ?? null,
      fpEdgeMs: entry.fingerprint?.edgeMs ?? null,
      fpProfile: entry.fingerprint?.profile ?? null,
      analysis: analysisOf(entry),
    };
    const duplicate = (
      of: { assetId?: string; entryId?: string; path: string },
      match: 'content' | 'sound',
    ): Decision => ({
      row: {
        ...row,
        state: 'duplicate',
        duplicateOfAssetId: of.assetId ?? null,
        duplicateOfEntryId: of.entryId ?? null,
        duplicateOfPath: of.path,
        duplicateMatch: match,
      },
      similar: [],
    });

    const inLibrary = this.libraryByHash.get(entry.content_hash);
    if (inLibrary)
      return duplicate({ assetId: inLibrary.id, path: inLibrary.originalPath }, 'content');
    const inJob =
      this.jobByHash.get(entry.content_hash) ?? this.batchByHash.get(entry.content_hash);
    if (inJob) return duplicate({ entryId: inJob.id, path: inJob.path }, 'content');
    if (!entry.fingerprint) return this.accept(row, []);

    const keepBoth = policy === 'keep-both';
    const job = await this.soundsInJob(entry.fingerprint, keys, keepBoth, replacingId);
    if (job.same && !keepBoth) {
      return duplicate({ entryId: job.same.candidate.id, path: job.same.candidate.path }, 'sound');
    }
    const library = await findSounds(
      entry.fingerprint,
      this.libraryPools.get(entry) ??
        (await this.repos.audioFiles.findSoundCandidates(
          this.job.ownerId,
          entry.fingerprint,
          keys,
        )),
      (ids) => this.repos.audioFiles.soundsOf(ids),
      // Under `skip` a copy in the library makes the entry a duplicate, whose links are not made.
      policy === 'skip' ? 'same' : 'all',
    );
    const sameInLibrary = keepBoth ? null : library.same?.candidate;
    if (sameInLibrary && policy === 'skip') {
      return duplicate({ assetId: sameInLibrary.id, path: sameInLibrary.originalPath }, 'sound');
    }
    const similar = similarLinks(row.id, kept(job, keepBoth), kept(library, keepBoth));
    if (!sameInLibrary) return this.accept(row, similar);
    // `replace`: uploaded, then it takes the place of the library's file when committed.
    return this.accept(
      {
        ...row,
        duplicateOfAssetId: sameInLibrary.id,
        duplicateOfPath: sameInLibrary.originalPath,
        duplicateMatch: 'sound',
      },
      similar,
    );
  }

  /**
   * The job's entries (this batch's in memory, the earlier ones from the database) that are
   * the same sound as `fingerprint` or similar to it; the database is not asked when this
   * batch holds the same sound and only that is wanted.
   */
  private async soundsInJob(
    fingerprint: FingerprintInput,
    keys: string[],
    wantAll: boolean,
    replacingId: string | undefined,
  ): Promise<SoundMatches<JobSound>> {
    const wanted = wantAll ? 'all' : 'same';
    const batch = matchSounds(
      fingerprint,
      this.batchCandidates(fingerprint, keys, replacingId),
      wanted,
    );
    if (batch.same && !wantAll) return batch;
    const candidates = await this.repos.entries.findLiveSoundCandidates(
      this.job.id,
      fingerprint,
      keys,
    );
    const earlier = await findSounds(
      fingerprint,
      candidates.filter((c) => c.id !== replacingId && !this.batchLive.has(c.id)),
      (ids) => this.repos.entries.soundsOf(ids),
      wanted,
    );
    return {
      same: batch.same ?? earlier.same,
      similar: [...batch.similar, ...earlier.similar].sort((a, b) => b.similarity - a.similarity),
    };
  }

  /**
   * This batch's entries worth comparing: a pool of those sharing an index key with `keys` and
   * of a duration within reach, most shared first (then in arrival order), of which the
   * closest: the database's rule for earlier entries.
   */
  private batchCandidates(
    fingerprint: FingerprintInput,
    keys: string[],
    replacingId: string | undefined,
  ): BatchRow[] {
    const pool = this.batchSounds.pool(
      keys,
      (row) =>
        row.id !== replacingId &&
        !!row.fingerprint &&
        durationsMayBeSimilar(row.fingerprint, fingerprint),
    );
    return closestCandidates(fingerprint, pool, (row) => row.fingerprint ?? null);
  }

  private accept(row: BatchRow, similar: NewEntryLink[]): Decision {
    this.batchByHash.set(row.contentHash!, row);
    this.batchLive.set(row.id, row);
    this.batchSounds.add(row, row.fingerprintKeys);
    return { row, similar };
  }
}

/** The matches an entry that is kept is linked to: under `keep-both`, its same sound too. */
function kept<T>(matches: SoundMatches<T>, keepBoth: boolean): SoundMatch<T>[] {
  return keepBoth && matches.same ? [matches.same, ...matches.similar] : matches.similar;
}

/**
 * The links of entry `entryId`, closest first, at most MAX_SIMILAR_TO. A library file that is a
 * matched entry's stored file is named once, through the entry.
 */
function similarLinks(
  entryId: string,
  job: SoundMatch<JobSound>[],
  library: SoundMatch<{ id: string }>[],
): NewEntryLink[] {
  const stored = new Set(job.flatMap((m) => (m.candidate.assetId ? [m.candidate.assetId] : [])));
  const links: NewEntryLink[] = [
    ...job.map((m) => ({ entryId, similarEntryId: m.candidate.id, similarity: m.similarity })),
    ...library
      .filter((m) => !stored.has(m.candidate.id))
      .map((m) => ({ entryId, similarAssetId: m.candidate.id, similarity: m.similarity })),
  ];
  return links.sort((a, b) => b.similarity - a.similarity).slice(0, MAX_SIMILAR_TO);
}

function analysisOf(entry: Extract<ManifestEntry, { status: 'ok' }>): Record<string, unknown> {
  const analysis: Record<string, unknown> = { ...entry };
  for (const key of [
    'path',
    'status',
    'content_hash',
    'size_bytes',
    'fingerprint',
    'on_duplicate',
  ]) {
    delete analysis[key];
  }
  return analysis;
}
