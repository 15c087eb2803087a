import { randomUUID } from 'node:crypto';
import type { IngestItem, IngestResponse, ManifestEntry } from '../shared/schemas/index.js';

/** One item of an ingest answer: by default a new entry whose bytes the server waits for. */
export function ingestItem(patch: Partial<IngestItem> = {}): IngestItem {
  return {
    index: 0,
    path: 'Kick.wav',
    ok: true,
    entry_id: randomUUID(),
    state: 'pending_upload',
    upload: true,
    duplicate_of: null,
    similar_to: [],
    reason: null,
    status_code: null,
    ...patch,
  };
}

/**
 * A fake server's answer to one ingest call that took every entry sent, each as `answer` says
 * (default: waiting for its bytes). It carries no job status: the fakes' callers do not read it.
 */
export function ingestAnswer(
  jobId: string,
  sent: readonly ManifestEntry[],
  answer: (path: string) => Partial<IngestItem> = () => ({}),
): IngestResponse {
  return {
    job_id: jobId,
    accepted: sent.length,
    rejected: 0,
    items: sent.map((e, index) => ingestItem({ index, path: e.path, ...answer(e.path) })),
  } as IngestResponse;
}
