import type { z } from 'zod';
import type {
  checkRequestSchema,
  BulkImportUpdate,
  CheckResponse,
  IngestResponse,
  JobStatusResponse,
  ManifestEntry,
  OnDuplicate,
  RetryResponse,
} from '../schemas/index.js';

/** One sound asked about by a preflight check (`POST …/check`). */
export type CheckItem = z.input<typeof checkRequestSchema>['items'][number];

/** A live feed of a job's events, until closed. */
export interface JobFeed {
  close(): void | Promise<void>;
}

/**
 * The server, as an importer needs it: one port with two implementations, REST v1 in the CLI
 * (`cli/src/import/api-client.ts`) and tRPC in the wizard (`client/src/api/import-api.ts`), so
 * that the import code above it never names a transport and its tests give it a fake.
 */
export interface ImportApi {
  /** Creates a job; its id. */
  init(onDuplicate: OnDuplicate, source: string): Promise<string>;
  /** Sends one manifest batch (`last` closes the manifest). */
  ingest(jobId: string, entries: ManifestEntry[], last: boolean): Promise<IngestResponse>;
  /** Asks which of these sounds the library already holds. */
  check(items: CheckItem[]): Promise<CheckResponse>;
  status(jobId: string): Promise<JobStatusResponse>;
  /** Sends a job's retryable failed files back to the upload queue. */
  retry(jobId: string): Promise<RetryResponse>;
  /**
   * Follows a job's `bulk_import.update` events (reconnecting by itself). Progress only: an
   * import never depends on it, so a feed that cannot connect stays silent.
   */
  follow(jobId: string, onEvent: (event: BulkImportUpdate) => void): JobFeed;
}

/**
 * The API with each call that answers once made through `through` (an importer's retry policy:
 * the wizard's keeps trying while the page is open); `follow`, which reconnects by itself, as
 * it is.
 */
export function callsThrough(
  api: ImportApi,
  through: <T>(call: () => Promise<T>) => Promise<T>,
): ImportApi {
  return {
    init: (onDuplicate, source) => through(() => api.init(onDuplicate, source)),
    ingest: (jobId, entries, last) => through(() => api.ingest(jobId, entries, last)),
    check: (items) => through(() => api.check(items)),
    status: (jobId) => through(() => api.status(jobId)),
    retry: (jobId) => through(() => api.retry(jobId)),
    follow: (jobId, onEvent) => api.follow(jobId, onEvent),
  };
}
