import type { JobStatusResponse } from '../schemas/index.js';

/** A job's status as the server answers it: running, one file queued, then `patch`. Tests only. */
export function jobStatus(
  jobId: string,
  patch: Partial<JobStatusResponse> = {},
): JobStatusResponse {
  return {
    job_id: jobId,
    status: 'running',
    totals: { queued: 1, processing: 0, completed: 0, duplicates: 0, failed: 0, similar: 0 },
    errors: [],
    source: 'test',
    on_duplicate: 'skip',
    manifest_closed: false,
    created_at: '2026-12-05T00:00:00.000Z',
    updated_at: '2026-12-05T00:00:00.000Z',
    ...patch,
  };
}
