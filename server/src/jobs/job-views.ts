import type {
  BulkImportUpdate,
  FileUpdate,
  JobStatusResponse,
  Totals,
} from '../../../shared/schemas/index.js';
import type { JobRow } from './import-job.repository.js';
import type { EntryRow } from './import-entry.repository.js';

function totalsOf(job: JobRow): Totals {
  const { queued, processing, completed, duplicates, failed } = job;
  return { queued, processing, completed, duplicates, failed };
}

/** The REST status shape of a job, with its failed entries and refused manifest items. */
export function jobStatusView(
  job: JobRow,
  failures: { path: string; reason: string }[],
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
  };
}

export function fileUpdateView(entry: EntryRow): FileUpdate {
  return {
    entry_id: entry.id,
    path: entry.path,
    state: entry.state,
    reason: entry.reason,
    asset_id: entry.assetId ?? entry.duplicateOfAssetId,
  };
}

export function updateEvent(job: JobRow, entries: EntryRow[]): BulkImportUpdate {
  return {
    type: 'bulk_import.update',
    job_id: job.id,
    status: job.status,
    totals: totalsOf(job),
    files: entries.map(fileUpdateView),
  };
}
