import type { IngestResponse, ManifestEntry } from '../schemas/index.js';
import { ingestOutcome, type IngestOutcome } from './ingest-outcome.js';
import { IMPORT_POLICY } from './policy.js';

/** What the sender needs from the importer around it. */
export interface ManifestPorts {
  /** The entries of these files, in their order (the journal holds them). */
  entries(keys: readonly string[]): ManifestEntry[] | Promise<ManifestEntry[]>;
  /** One ingest call of the job (the API, with its retries). */
  ingest(entries: ManifestEntry[], last: boolean): Promise<IngestResponse>;
  /** Records what the server answered for one file (the journal). */
  answered(key: string, outcome: IngestOutcome): void;
  /** After a call's items are recorded: the job's counters, a durable write, a failpoint. */
  batchDone?(answer: IngestResponse, last: boolean): void | Promise<void>;
}

/**
 * Sends a job's manifest one ingest call at a time, the last call closing it. A call takes
 * whatever waits when the one before it is answered (up to the batch size), so the first
 * uploads begin about a second after the first file is ready, and the batches grow only as
 * large as the server is slow: a fixed batch of 500 left uploads idle while it filled.
 */
export class ManifestSender {
  private waiting: string[] = [];
  private sending: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failure: Error | null = null;
  private closing = false;
  /** Stopped: nothing more is sent, and above all the manifest is not closed. */
  private stopped = false;

  constructor(
    private readonly ports: ManifestPorts,
    private readonly batch: number = IMPORT_POLICY.manifestBatch,
    private readonly gatherMs: number = IMPORT_POLICY.gatherMs,
  ) {}

  add(key: string): void {
    this.waiting.push(key);
    this.schedule();
  }

  /**
   * Sends what still waits, the last call closing the manifest (an empty one when nothing
   * waits). @throws what a call threw.
   */
  async finish(): Promise<void> {
    this.closing = true;
    this.clearTimer();
    await this.sending;
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.stopped) return;
      const keys = this.waiting.splice(0, this.batch);
      const last = this.waiting.length === 0;
      await this.send(keys, last);
      if (last) return;
    }
  }

  /**
   * Stops sending: nothing more goes, a call in flight is let end, and a `finish` under way
   * returns without closing the manifest (the files not sent go with the next run).
   */
  stop(): void {
    this.stopped = true;
    this.closing = true;
    this.clearTimer();
    this.waiting = [];
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.sending || this.closing || this.failure || this.waiting.length === 0) return;
    if (this.waiting.length >= this.batch) {
      this.sendWaiting();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.sending && !this.closing) this.sendWaiting();
      }, this.gatherMs);
    }
  }

  private sendWaiting(): void {
    this.clearTimer();
    const keys = this.waiting.splice(0, this.batch);
    this.sending = this.send(keys, false).then(
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

  private async send(keys: string[], last: boolean): Promise<void> {
    if (keys.length === 0 && !last) return;
    const answer = await this.ports.ingest(await this.ports.entries(keys), last);
    for (const item of answer.items) {
      const key = keys[item.index];
      if (key !== undefined) this.ports.answered(key, ingestOutcome(item));
    }
    await this.ports.batchDone?.(answer, last);
  }
}
