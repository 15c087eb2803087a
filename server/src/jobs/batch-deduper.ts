import { randomUUID } from 'node:crypto';
import type { ManifestEntry, OnDuplicate } from '../../../shared/schemas/index.js';
import type { Repositories } from '../db/unit-of-work.js';
import { findSameSound, firstSameSound, indexKeysOf } from '../library/sound-match.js';
import type { AudioFileRow } from '../library/audio-file.repository.js';
import type { NewEntryRow } from './import-entry.repository.js';
import { storable, type JobRow } from './import-job.repository.js';

type Decision = { row: NewEntryRow & { id: string } } | { refused: string };

/**
 * Decides what each new entry of one ingest batch becomes: a duplicate of a library file or
 * of an earlier entry of the job (identical bytes, or the same sound unless `keep-both`), or an
 * entry waiting for its upload. Content hashes are looked up once for the whole batch; entries
 * of the batch itself are matched in memory, so one call makes few round trips.
 */
export class BatchDeduper {
  private readonly batchByHash = new Map<string, NewEntryRow & { id: string }>();
  private readonly batchLive: (NewEntryRow & { id: string; fingerprintKeys: string[] })[] = [];

  private constructor(
    private readonly repos: Repositories,
    private readonly job: JobRow,
    private readonly libraryByHash: Map<string, AudioFileRow>,
    private readonly jobByHash: Map<string, { id: string; path: string }>,
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
    return new BatchDeduper(
      repos,
      job,
      new Map(library.map((row) => [row.contentHash, row])),
      new Map(jobEntries.map((row) => [row.contentHash!, row])),
    );
  }

  /**
   * @param replacingId the entry whose content this entry replaces (a changed file): it keeps
   *   that id and is never taken for a duplicate of itself.
   */
  async decide(entry: ManifestEntry, replacingId?: string): Promise<Decision> {
    const notSelf = <T extends { id: string }>(rows: T[]) =>
      rows.filter((r) => r.id !== replacingId);
    const base = {
      id: replacingId ?? randomUUID(),
      jobId: this.job.id,
      ownerId: this.job.ownerId,
      path: entry.path,
    };
    if (entry.status === 'error') {
      return { row: { ...base, state: 'failed', reason: storable(entry.error), retryable: false } };
    }
    const keys = entry.fingerprint ? indexKeysOf(entry.fingerprint) : [];
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
    });

    const inLibrary = this.libraryByHash.get(entry.content_hash);
    if (inLibrary)
      return duplicate({ assetId: inLibrary.id, path: inLibrary.originalPath }, 'content');
    const inJob =
      this.jobByHash.get(entry.content_hash) ?? this.batchByHash.get(entry.content_hash);
    if (inJob) return duplicate({ entryId: inJob.id, path: inJob.path }, 'content');
    if (!entry.fingerprint || policy === 'keep-both') return this.accept(row);

    const sameInJob =
      firstSameSound(
        entry.fingerprint,
        this.batchLive.filter((e) => e.fingerprintKeys.some((k) => keys.includes(k))),
      ) ??
      (await findSameSound(
        entry.fingerprint,
        notSelf(
          await this.repos.entries.findLiveSoundCandidates(this.job.id, entry.fingerprint, keys),
        ),
        (ids) => this.repos.entries.fingerprintsOf(ids),
      ));
    if (sameInJob) return duplicate({ entryId: sameInJob.id, path: sameInJob.path }, 'sound');
    const sameInLibrary = await findSameSound(
      entry.fingerprint,
      await this.repos.audioFiles.findSoundCandidates(this.job.ownerId, entry.fingerprint, keys),
      (ids) => this.repos.audioFiles.fingerprintsOf(ids),
    );
    if (!sameInLibrary) return this.accept(row);
    if (policy === 'replace') {
      // Uploaded, then it takes the place of the library's file when committed.
      return this.accept({
        ...row,
        duplicateOfAssetId: sameInLibrary.id,
        duplicateOfPath: sameInLibrary.originalPath,
        duplicateMatch: 'sound',
      });
    }
    return duplicate({ assetId: sameInLibrary.id, path: sameInLibrary.originalPath }, 'sound');
  }

  private accept(row: NewEntryRow & { id: string; fingerprintKeys: string[] }): Decision {
    this.batchByHash.set(row.contentHash!, row);
    this.batchLive.push(row);
    return { row };
  }
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
