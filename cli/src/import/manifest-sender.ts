import type { IngestItem, ManifestEntry } from '../../../shared/schemas/index.js';
import type { ApiClient } from './api-client.js';
import type { ImportOutput } from './import-output.js';
import type { RunState } from './run-state.js';

/** Entries per ingest call (the server takes up to 1,000). */
const BATCH = 500;

/** Sends entries in batches of 500, one call at a time, the last one closing the manifest. */
export class ManifestSender {
  private batch: string[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ApiClient,
    private readonly state: RunState,
    private readonly jobId: string,
    private readonly output: ImportOutput,
    private readonly failures: Map<string, string>,
    private readonly upload: (rel: string) => void,
  ) {}

  add(rel: string): void {
    this.batch.push(rel);
    if (this.batch.length >= BATCH) this.flush(false);
  }

  async finish(): Promise<void> {
    this.flush(true);
    await this.chain;
  }

  private flush(last: boolean): void {
    const rels = this.batch;
    this.batch = [];
    this.chain = this.chain.then(() => this.send(rels, last));
  }

  private async send(rels: string[], last: boolean): Promise<void> {
    if (rels.length === 0 && !last) return;
    const entries = rels.map((rel) => this.state.files.get(rel)!.entry as ManifestEntry);
    const answer = await this.client.ingest(this.jobId, entries, last);
    for (const item of answer.items) this.record(rels[item.index]!, item);
  }

  private record(rel: string, item: IngestItem): void {
    const counts = this.output.counts;
    if (!item.ok || item.state === 'failed' || item.state === 'cancelled') {
      const reason = item.reason ?? `the server refused it (${item.status_code ?? item.state})`;
      this.state.update(rel, { stage: 'failed', reason, entryId: item.entry_id });
      this.failures.set(rel, reason);
      counts.failed++;
      this.output.event({ type: 'file', path: rel, state: 'failed', reason });
      return;
    }
    if (item.state === 'duplicate') {
      const of = item.duplicate_of;
      this.state.update(rel, {
        stage: 'duplicate',
        entryId: item.entry_id,
        duplicateOf: of?.path ?? null,
      });
      counts.duplicates++;
      this.output.event({
        type: 'file',
        path: rel,
        state: 'duplicate',
        duplicate_of: of?.path ?? null,
        match: of?.match ?? null,
      });
      return;
    }
    if (item.state === 'done') {
      this.state.update(rel, { stage: 'done', entryId: item.entry_id });
      counts.uploaded++;
      this.output.event({ type: 'file', path: rel, state: 'done' });
      return;
    }
    this.state.update(rel, { stage: 'sent', entryId: item.entry_id });
    this.upload(rel);
  }
}
