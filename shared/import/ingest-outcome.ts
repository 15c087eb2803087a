import type { IngestItem } from '../schemas/index.js';

type DuplicateOf = NonNullable<IngestItem['duplicate_of']>;

/** What the server's answer to one manifest entry means for its file. */
export type IngestOutcome =
  | { stage: 'failed'; entryId: string | null; reason: string; retryable: boolean }
  | { stage: 'duplicate'; entryId: string | null; duplicateOf: DuplicateOf | null }
  | { stage: 'done' | 'pending_upload'; entryId: string | null; similarTo: string[] };

/**
 * The outcome of one ingest item: refused (never on the job) or failed, a duplicate, already
 * stored (the same bytes were sent before), or waiting for its bytes. A failed entry that the
 * job holds can be retried; a refused one cannot.
 */
export function ingestOutcome(item: IngestItem): IngestOutcome {
  const entryId = item.entry_id;
  if (!item.ok || item.state === 'failed' || item.state === 'cancelled') {
    const reason = item.reason ?? `the server refused it (${item.status_code ?? item.state})`;
    return { stage: 'failed', entryId, reason, retryable: item.ok };
  }
  if (item.state === 'duplicate') {
    return { stage: 'duplicate', entryId, duplicateOf: item.duplicate_of };
  }
  const similarTo = item.similar_to.map((s) => s.path);
  return { stage: item.state === 'done' ? 'done' : 'pending_upload', entryId, similarTo };
}
