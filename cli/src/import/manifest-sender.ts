import type { IngestItem, ManifestEntry } from '../../../shared/schemas/index.js';
import type { ApiClient } from './api-client.js';
import type { ImportOutput } from './import-output.js';
import type { RunState } from './run-state.js';
import { failpoint } from '../../../shared/node/failpoints.js';

/** Entries per ingest call at most by default (the server takes up to 1,000). */
const BATCH = 500;
/** How long the first waiting entry waits for others before a call goes without them. */
const GATHER_MS = 1000;

/**
 * Sends entries one ingest call at a time, the last one closing the manifest. A call takes
 * whatever waits when the one before it is answered (up to its batch size), so the first uploads begin
 * about a second after the first file is analysed, and the batches grow only as large as the
 * server is slow: a fixed batch of 500 left uploads idle while it filled, and ended the run
 * with 500 files still to upload after the last analysis.
 */
export class ManifestSender {
  private waiting: string[] = [];
  private sending: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failure: Error | null = null;
  private closing = false;

  constructor(
    private readonly client: ApiClient,
    private readonly state: RunState,
    private readonly jobId: string,
    private readonly output: ImportOutput,
    private readonly failures: Map<string, string>,
    private readonly upload: (rel: string) => void,
    private readonly batch = BATCH,
  ) {}

  add(rel: string): void {
    this.waiting.push(rel);
    this.schedule();
  }

  /** Sends what still waits, the last call closing the manifest. @throws what a call threw. */
  async finish(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    for (;;) {
      if (this.failure) throw this.failure;
      const rels = this.waiting.splice(0, this.batch);
      const last = this.waiting.length === 0;
      await this.send(rels, last);
      if (last) return;
    }
  }

  private schedule(): void {
    if (this.sending || this.closing || this.failure || this.waiting.length === 0) return;
    if (this.waiting.length >= this.batch) {
      this.sendWaiting();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.sending && !this.closing) this.sendWaiting();
      }, GATHER_MS);
    }
  }

  private sendWaiting(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rels = this.waiting.splice(0, this.batch);
    this.sending = this.send(rels, false).then(
      () => {
        this.sending = null;
        // What gathered during the call goes at once: the server was the wait.
        if (this.waiting.length > 0 && !this.closing) this.sendWaiting();
      },
      (error: unknown) => {
        this.sending = null;
        this.failure = error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  private async send(rels: string[], last: boolean): Promise<void> {
    if (rels.length === 0 && !last) return;
    const entries = rels.map((rel) => this.state.files.get(rel)!.entry as ManifestEntry);
    const answer = await this.client.ingest(this.jobId, entries, last);
    for (const item of answer.items) this.record(rels[item.index]!, item);
    failpoint(last ? 'cli:manifest-closed' : 'cli:batch-answered');
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
    const similarTo = item.similar_to.map((s) => s.path);
    if (item.state === 'done') {
      this.state.update(rel, { stage: 'done', entryId: item.entry_id, similarTo });
      this.output.stored(rel, similarTo);
      return;
    }
    this.state.update(rel, { stage: 'sent', entryId: item.entry_id, similarTo });
    this.upload(rel);
  }
}
