import type {
  BucketListing,
  BulkImportUpdate,
  FileUpdate,
  JobStatusResponse,
  SimilarTo,
  Totals,
} from '../../../shared/schemas/index.js';
import type { Repositories } from '../db/unit-of-work.js';
import type { JobRow } from './import-job.repository.js';
import type { EntryRow } from './import-entry.repository.js';

/** What each entry is similar to (SimilarLinkRepository.refsOf); an entry left out has nothing. */
export type SimilarRefs = ReadonlyMap<string, SimilarTo[]>;

function totalsOf(job: JobRow): Totals {
  const { queued, processing, completed, duplicates, failed, similar } = job;
  return { queued, processing, completed, duplicates, failed, similar };
}

/**
 * The REST status shape of a job, with its failed entries and refused manifest items, and
 * the listing of a job that imports a bucket.
 */
export function jobStatusView(
  job: JobRow,
  failures: { path: string; reason: string }[],
  listing?: BucketListing,
): JobStatusResponse {
  return {
    job_id: job.id,
    status: job.status,
    totals: totalsOf(job),
    errors: [...failures, ...job.errorLog.map(({ path, reason }) => ({ path, reason }))],
    source: job.source,
    on_duplicate: job.onDuplicate,
    manifest_closed: job.manifestClosed,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    ...(listing ? { bucket: listing } : {}),
  };
}

export function fileUpdateView(entry: EntryRow, similar: SimilarRefs): FileUpdate {
  return {
    entry_id: entry.id,
    path: entry.path,
    state: entry.state,
    reason: entry.reason,
    asset_id: entry.assetId ?? entry.duplicateOfAssetId,
    similar_to: similar.get(entry.id) ?? [],
  };
}

export function updateEvent(
  job: JobRow,
  entries: EntryRow[],
  similar: SimilarRefs,
): BulkImportUpdate {
  return {
    type: 'bulk_import.update',
    job_id: job.id,
    status: job.status,
    totals: totalsOf(job),
    files: entries.map((entry) => fileUpdateView(entry, similar)),
  };
}

/** {@link updateEvent}, with the entries' similar links read through `repos`. */
export async function loadUpdateEvent(
  repos: Repositories,
  job: JobRow,
  entries: EntryRow[],
): Promise<BulkImportUpdate> {
  return updateEvent(job, entries, await repos.similar.refsOf(entries.map((e) => e.id)));
}
