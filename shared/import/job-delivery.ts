import type { IngestItem, IngestResponse, ManifestEntry } from '../schemas/index.js';
import type { ImportApi } from './import-api.js';
import { uploadFile, type UploadHandle, type UploadResult } from '../uploads/tus-upload.js';
import type { IngestOutcome } from './ingest-outcome.js';
import { ManifestSender } from './manifest-sender.js';
import { IMPORT_POLICY } from './policy.js';
import { isFinal, type ImportStage } from './stages.js';
import { UploadPool } from './upload-pool.js';

/** The journal, as the delivery reads and writes it. */
export interface DeliveryJournal {
  file(key: string): DeliveryFile | undefined;
  record(key: string, change: FileChange): void;
}

/** What the delivery reads of a file in the journal. */
export interface DeliveryFile {
  stage: ImportStage;
  entryId: string | null;
  uploadUrl: string | null;
}

/**
 * A change the delivery makes to one file, for the journal to record (and the importer to
 * show). Fields left out are unchanged.
 */
export interface FileChange {
  stage?: ImportStage;
  entryId?: string | null;
  /** The tus upload to resume from; null forgets it (stored, or refused: start afresh). */
  uploadUrl?: string | null;
  reason?: string | null;
  /** For a failed file: whether the job can take it back (`retry`). */
  retryable?: boolean;
  /** Paths of sounds it is close to without copying them (both kept). */
  similarTo?: string[];
  /** For a duplicate the server named at once: the sound it repeats. */
  duplicateOf?: NonNullable<IngestItem['duplicate_of']> | null;
}

/** The bytes of one file to upload. */
export interface UploadSource {
  input: Parameters<typeof uploadFile>[0]['input'];
  size: number;
}

/** What the delivery needs from the importer around it; the journal records each change. */
export interface DeliveryPorts extends DeliveryJournal {
  /** The manifest entries of these files, in their order. */
  entries(keys: readonly string[]): ManifestEntry[] | Promise<ManifestEntry[]>;
  /** The server's ingest call (with the importer's retries). */
  api: Pick<ImportApi, 'ingest'>;
  /**
   * The source: the bytes of a file to upload; null while they are not at hand (a page after a
   * reload), `{ failed }` when they can never be sent as analysed (changed or gone since).
   */
  open(key: string): Promise<UploadSource | { failed: string } | null>;
  /** The tus endpoint and the headers each request carries (authorization). */
  endpoint: string;
  headers?: Record<string, string>;
  /** After a call's items are recorded: the job's counters, a durable write, a failpoint. */
  batchDone?(answer: IngestResponse, last: boolean): void | Promise<void>;
  /** A file was put in line for upload. */
  queued?(key: string): void;
  /** Bytes of a file the server has taken so far. */
  progress?(key: string, sentBytes: number): void;
  /** A request of a file's upload failed and is tried again (a server restart), and why. */
  retrying?(key: string, reason: string): void;
  /** The server confirmed a file's bytes, before it is recorded. */
  confirmed?(key: string): void;
  /** An upload's failure that must stop every upload (a refused token); null when it is the file's. */
  fatal?(result: UploadResult): Error | null;
  /** Whether the network is gone: a failed upload then waits and goes on once it is back. */
  offline?(): boolean;
  activeChanged?(active: number): void;
  /** The uploader (tus by default; tests give a fake). */
  upload?: typeof uploadFile;
}

/** The stage and facts the server's answer to one manifest entry gives its file. */
export function answerChange(outcome: IngestOutcome): FileChange {
  const { entryId } = outcome;
  switch (outcome.stage) {
    case 'failed':
      return { stage: 'failed', entryId, reason: outcome.reason, retryable: outcome.retryable };
    case 'duplicate':
      return { stage: 'duplicate', entryId, duplicateOf: outcome.duplicateOf, reason: null };
    case 'done':
    case 'pending_upload':
      return { stage: outcome.stage, entryId, similarTo: outcome.similarTo };
  }
}

/** What a failed upload leaves on its file: why, and no upload URL (the next try starts afresh). */
export function uploadFailure(result: UploadResult): FileChange {
  const reason =
    result.status === 413 ? `refused: ${result.reason}` : (result.reason ?? 'upload failed');
  return { stage: 'failed', uploadUrl: null, reason, retryable: true };
}

/**
 * Puts job `jobId`'s failed uploads back in line on the server (`retry`) and records each file
 * it took back as waiting for its bytes again, from the start. Returns the paths taken back
 * that the journal holds, and those it does not know.
 */
export async function retryFailed(
  api: Pick<ImportApi, 'retry'>,
  jobId: string,
  journal: DeliveryJournal,
): Promise<{ retried: string[]; unknown: string[] }> {
  const retried: string[] = [];
  const unknown: string[] = [];
  for (const { entry_id, path } of (await api.retry(jobId)).retried) {
    if (!journal.file(path)) {
      unknown.push(path);
      continue;
    }
    journal.record(path, {
      stage: 'pending_upload',
      entryId: entry_id,
      reason: null,
      uploadUrl: null,
    });
    retried.push(path);
  }
  return { retried, unknown };
}

/**
 * The second half of every import, shared by the CLI and the wizard: sends a job's manifest in
 * batches (ManifestSender), records the server's answer for each file, uploads the bytes of new
 * sounds a few at a time with tus (UploadPool), resumable from their saved URLs, and records
 * how each upload ended. Held while paused or offline, stopped (resumable) on demand.
 */
export class JobDelivery {
  readonly uploads: UploadPool;
  private sender: ManifestSender | null = null;

  constructor(
    private readonly ports: DeliveryPorts,
    private readonly options: { parallel?: number; chunkBytes?: number; batch?: number } = {},
  ) {
    this.uploads = new UploadPool(
      {
        start: (key) => this.start(key),
        ended: (key, result) => this.ended(key, result),
        stopped: (key) => {
          if (ports.file(key)?.stage === 'uploading')
            ports.record(key, { stage: 'pending_upload' });
        },
        activeChanged: (active) => ports.activeChanged?.(active),
      },
      options.parallel ?? IMPORT_POLICY.parallelUploads,
    );
  }

  /**
   * Puts a file the server waits for in line for upload (once). One an earlier run left
   * `uploading` (cut off) waits again first, and resumes from its saved URL.
   */
  upload(key: string): void {
    if (this.uploads.has(key)) return;
    if (this.ports.file(key)?.stage === 'uploading')
      this.ports.record(key, { stage: 'pending_upload' });
    this.ports.queued?.(key);
    this.uploads.add(key);
  }

  /**
   * Sends `manifest.keys` as job `manifest.jobId`'s manifest, the last call closing it (null:
   * nothing to send), while the new sounds upload as their batches are answered; resolves once
   * every upload has ended or the delivery was stopped.
   * @throws what an ingest call or an upload threw.
   */
  async deliver(manifest: { jobId: string; keys: Iterable<string> } | null): Promise<void> {
    let failure: { error: unknown } | null = null;
    if (manifest) {
      const { jobId, keys } = manifest;
      const sender = new ManifestSender(
        {
          entries: (batch) => this.ports.entries(batch),
          ingest: (entries, last) => this.ports.api.ingest(jobId, entries, last),
          answered: (key, outcome) => this.answered(key, outcome),
          batchDone: (answer, last) => this.ports.batchDone?.(answer, last),
        },
        this.options.batch,
      );
      this.sender = sender;
      for (const key of keys) sender.add(key);
      failure = await sender.finish().then(
        () => null,
        (error: unknown) => ({ error }),
      );
      this.sender = null;
    }
    await this.uploads.drain();
    if (failure) throw failure.error;
  }

  /** Holds every upload for `reason` (paused, offline) until released. */
  hold(reason: string): void {
    this.uploads.hold(reason);
  }

  release(reason: string): void {
    this.uploads.release(reason);
  }

  /** Stops for good: no more manifest calls (the manifest is left open), uploads stopped. */
  stop(): void {
    this.sender?.stop();
    this.uploads.stop();
  }

  private answered(key: string, outcome: IngestOutcome): void {
    this.ports.record(key, answerChange(outcome));
    if (outcome.stage === 'pending_upload') this.upload(key);
  }

  private async start(key: string): Promise<UploadHandle | null> {
    const file = this.ports.file(key);
    // Ended meanwhile (the live feed), or not on the job: nothing to send.
    if (!file || file.stage !== 'pending_upload' || !file.entryId) return null;
    const source = await this.ports.open(key);
    if (!source) return null;
    if ('failed' in source) {
      this.ports.record(key, { stage: 'failed', reason: source.failed, retryable: false });
      return null;
    }
    this.ports.record(key, { stage: 'uploading' });
    return (this.ports.upload ?? uploadFile)({
      endpoint: this.ports.endpoint,
      input: source.input,
      headers: this.ports.headers ?? {},
      size: source.size,
      entryId: file.entryId,
      uploadUrl: file.uploadUrl,
      chunkBytes: this.options.chunkBytes ?? IMPORT_POLICY.chunkBytes,
      onUrl: (url) => this.ports.record(key, { uploadUrl: url }),
      onProgress: (sent) => this.ports.progress?.(key, sent),
      onRetry: (reason) => this.ports.retrying?.(key, reason),
    });
  }

  private ended(key: string, result: UploadResult): 'ended' | 'again' | Error {
    const file = this.ports.file(key);
    if (!file || isFinal(file.stage)) return 'ended'; // the live feed said how it ended first
    if (result.ok) {
      // ok means the server said the file is stored (or a duplicate), never just "bytes sent".
      this.ports.confirmed?.(key);
      this.ports.record(key, { stage: result.state ?? 'done', uploadUrl: null, reason: null });
      return 'ended';
    }
    const fatal = this.ports.fatal?.(result);
    if (fatal) return fatal;
    if (this.ports.offline?.()) {
      // The network went before the platform said so: it waits, and goes on when back.
      this.ports.record(key, { stage: 'pending_upload' });
      this.uploads.hold('offline');
      return 'again';
    }
    this.ports.record(key, uploadFailure(result));
    return 'ended';
  }
}
