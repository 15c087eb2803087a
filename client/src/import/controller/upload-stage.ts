import type {
  BulkImportUpdate,
  IngestItem,
  OnDuplicate,
} from '../../../../shared/schemas/index.js';
import { uploadFile, type UploadHandle } from '../../../../shared/uploads/tus-upload.js';
import { api } from '../../api/trpc.js';
import { isFinal, moveFile } from '../../queue/file-state.js';
import type { QueueFile } from '../../queue/queue-types.js';
import { duplicateGroups, plannedEntries } from './duplicate-groups.js';
import type { ImportStore } from './import-store.js';
import { retrying, whenOnline } from './pacing.js';
import { queueEntry } from './queue-entry.js';

/** Entries per ingest call (the server takes up to 1,000). */
const INGEST_BATCH = 250;
/** Uploads at a time: enough to fill a link, few enough to finish files early. */
const PARALLEL_UPLOADS = 3;
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The order and `on_duplicate` of the manifest: every analysed or failed file not yet on the
 * job; of each duplicate group the file kept first, so that the others are its duplicates.
 */
function manifestPlan(
  files: readonly QueueFile[],
): { file: QueueFile; onDuplicate: OnDuplicate | null }[] {
  const plan = new Map<string, OnDuplicate>();
  const first = new Set<string>();
  for (const group of duplicateGroups(files)) {
    for (const [path, choice] of plannedEntries(group)) plan.set(path, choice);
    first.add(group.best.path);
  }
  return files
    .filter((f) => !f.sent && (f.state === 'analysed' || f.state === 'failed'))
    .sort((a, b) => Number(!first.has(a.path)) - Number(!first.has(b.path)) || a.seq - b.seq)
    .map((file) => ({ file, onDuplicate: plan.get(file.path) ?? null }));
}

/**
 * Sends the manifest and the bytes of new sounds: init a job (once), ingest entries in batches
 * (the last closes the manifest), then tus uploads a few at a time, resumable from their saved
 * URL. Pauses when asked, when the browser goes offline, and goes on by itself when back.
 */
export class UploadStage {
  private readonly active = new Map<string, UploadHandle>();
  /** Uploads being stopped: one whose creation is in flight stops once it is answered. */
  private readonly stopping = new Set<Promise<void>>();
  private live: { unsubscribe(): void } | null = null;
  private wake: (() => void) | null = null;

  /**
   * @param settled called when the live feed ends the last files while no upload runs (a
   *   reopened import whose files the server stored before the page heard): the import can end.
   */
  constructor(
    private readonly store: ImportStore,
    private readonly settled: () => void = () => undefined,
  ) {
    window.addEventListener('offline', () => void this.abortActive());
    window.addEventListener('online', () => this.wake?.());
  }

  /** Runs until every file has ended or the page lacks the bytes of those left. */
  async run(): Promise<void> {
    const store = this.store;
    if (store.upload.running || !store.record) return;
    store.upload = { ...store.upload, running: true };
    store.changed();
    try {
      // Uploads begin as soon as the first batch is answered, not after the whole manifest:
      // at 5,000 files the manifest alone took 21 s.
      let manifestSent = false;
      const manifest = this.sendManifest().finally(() => {
        manifestSent = true;
        this.wake?.();
      });
      const [sent, uploaded] = await Promise.allSettled([
        manifest,
        this.uploadAll(() => manifestSent),
      ]);
      if (sent.status === 'rejected') throw sent.reason;
      if (uploaded.status === 'rejected') throw uploaded.reason;
      await this.refreshJob();
    } finally {
      store.upload = { ...store.upload, running: false, active: 0 };
      store.changed();
      await store.flush();
    }
  }

  pause(): void {
    this.store.upload = { ...this.store.upload, paused: true };
    this.store.changed();
    void this.abortActive();
  }

  resume(): void {
    this.store.upload = { ...this.store.upload, paused: false };
    this.store.changed();
    this.wake?.();
  }

  stop(): void {
    this.live?.unsubscribe();
    this.live = null;
    void this.abortActive();
  }

  /** Fetches the job's status (after the live feed was away, and at the end). */
  async refreshJob(): Promise<void> {
    const jobId = this.store.record?.jobId;
    if (!jobId) return;
    this.store.job = await retrying(this.store, () =>
      api.bulkImport.status.query({ job_id: jobId }),
    );
    this.store.changed();
  }

  private async sendManifest(): Promise<void> {
    const store = this.store;
    const record = store.record!;
    const plan = manifestPlan([...store.files.values()]);
    if (plan.length === 0 && record.manifestClosed) {
      this.follow();
      return;
    }
    if (!record.jobId) {
      const { job_id } = await retrying(store, () =>
        api.bulkImport.init.mutate({ source: 'browser', on_duplicate: 'skip' }),
      );
      store.patchRecord({ jobId: job_id });
      await store.flush();
    }
    const jobId = store.record!.jobId!;
    this.follow();
    for (
      let i = 0;
      i < plan.length || (i === 0 && !store.record!.manifestClosed);
      i += INGEST_BATCH
    ) {
      const batch = plan.slice(i, i + INGEST_BATCH);
      const last = i + INGEST_BATCH >= plan.length;
      const prints = await store.queue.fingerprints(
        record.id,
        batch.map((p) => p.file.path),
      );
      const entries = batch.map(({ file, onDuplicate }) =>
        queueEntry(file, prints.get(file.path) ?? null, onDuplicate),
      );
      const answer = await retrying(store, () =>
        api.bulkImport.ingest.mutate({ job_id: jobId, entries, last }),
      );
      for (const item of answer.items) this.applyIngest(batch[item.index]!.file.path, item);
      store.job = answer.job;
      if (last) store.patchRecord({ manifestClosed: true });
      await store.flush();
      this.wake?.(); // its new files may be uploaded now
    }
  }

  private applyIngest(path: string, item: IngestItem): void {
    const file = this.store.get(path);
    if (!file) return;
    const sent = { ...file, sent: true, entryId: item.entry_id };
    if (file.state === 'failed') {
      this.store.set(sent);
    } else if (!item.ok || item.state === 'failed' || item.state === 'cancelled') {
      const reason = item.reason ?? 'the server refused this file';
      this.store.set(moveFile(sent, 'failed', { reason, retryable: item.ok }));
    } else if (item.state === 'duplicate') {
      this.store.set(moveFile(sent, 'duplicate', { reason: null }));
    } else if (item.state === 'done') {
      this.store.set(moveFile(moveFile(sent, 'checked'), 'done'));
    } else {
      this.store.set(moveFile(sent, 'checked'));
    }
  }

  /** Follows the job's live events: counters, and files the server finished (duplicates at commit). */
  private follow(): void {
    const jobId = this.store.record?.jobId;
    if (!jobId || this.live) return;
    this.live = api.bulkImport.updates.subscribe(
      { job_id: jobId },
      {
        onData: (event: BulkImportUpdate) => this.applyEvent(event),
        onError: () => undefined,
      },
    );
  }

  private applyEvent(event: BulkImportUpdate): void {
    const store = this.store;
    if (event.job_id !== store.record?.jobId) return;
    store.job = store.job ? { ...store.job, status: event.status, totals: event.totals } : null;
    for (const update of event.files) {
      const path = store.byEntry.get(update.entry_id);
      const file = path ? store.get(path) : undefined;
      if (!file || isFinal(file.state)) continue;
      if (update.state === 'done' || update.state === 'duplicate') {
        store.set(
          moveFile(file.state === 'analysed' ? moveFile(file, 'checked') : file, update.state),
        );
      } else if (update.state === 'failed') {
        store.set(moveFile(file, 'failed', { reason: update.reason, retryable: true }));
      }
    }
    if (!store.job) void this.refreshJob();
    store.changed();
    if (
      !store.upload.running &&
      store.record.step === 'upload' &&
      [...store.files.values()].every((f) => isFinal(f.state))
    )
      this.settled();
  }

  private waiting(): QueueFile[] {
    return [...this.store.files.values()].filter(
      (f) =>
        f.state === 'checked' &&
        f.entryId &&
        this.store.blobs.has(f.path) &&
        !this.active.has(f.path),
    );
  }

  /** Uploads what the server waits for, until nothing is left and the manifest is all sent. */
  private async uploadAll(manifestSent: () => boolean): Promise<void> {
    const store = this.store;
    for (;;) {
      if (!navigator.onLine || store.upload.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        await whenOnline();
        continue;
      }
      if (this.stopping.size > 0) {
        // Resumed before a paused upload stopped: it is started again once it holds the URL
        // its creation answered, so that it resumes rather than being created twice.
        await Promise.all(this.stopping);
        continue;
      }
      const next = this.waiting().slice(0, PARALLEL_UPLOADS - this.active.size);
      if (next.length === 0 && this.active.size === 0 && manifestSent()) return;
      for (const file of next) this.start(file);
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private start(file: QueueFile): void {
    const store = this.store;
    const blob = store.blobs.get(file.path)!;
    store.set(moveFile(file, 'uploading'));
    const handle = uploadFile({
      endpoint: new URL('/api/v1/uploads', location.href).href,
      input: blob,
      headers: {},
      size: file.sizeBytes,
      entryId: file.entryId!,
      uploadUrl: file.uploadUrl,
      chunkBytes: CHUNK_BYTES,
      onUrl: (url) => {
        const now = store.get(file.path);
        if (now) store.set({ ...now, uploadUrl: url });
        void store.flush();
      },
      onProgress: (sent) => {
        const now = store.get(file.path);
        if (now) store.set({ ...now, uploadedBytes: sent });
      },
    });
    this.active.set(file.path, handle);
    store.upload = { ...store.upload, active: this.active.size };
    void handle.promise.then((result) => {
      if (this.active.get(file.path) !== handle) return;
      this.active.delete(file.path);
      store.upload = { ...store.upload, active: this.active.size };
      const now = store.get(file.path)!;
      if (isFinal(now.state)) {
        // The live feed said how it ended first.
      } else if (result.ok) {
        store.set(moveFile(now, result.state ?? 'done'));
      } else if (!navigator.onLine || store.upload.paused) {
        store.set(moveFile(now, 'checked'));
      } else {
        store.set(moveFile(now, 'failed', { reason: result.reason, retryable: true }));
      }
      this.wake?.();
    });
  }

  /** Stops every upload at once; each file waits again (keeping its upload URL) once stopped. */
  private async abortActive(): Promise<void> {
    const handles = [...this.active];
    this.active.clear();
    await Promise.all(
      handles.map(([path, handle]) => {
        const stopped = handle
          .abort()
          .catch(() => undefined)
          .then(() => {
            this.stopping.delete(stopped);
            const file = this.store.get(path);
            if (file?.state === 'uploading') this.store.set(moveFile(file, 'checked'));
          });
        this.stopping.add(stopped);
        return stopped;
      }),
    );
    this.store.upload = { ...this.store.upload, active: this.active.size };
    this.store.changed();
  }
}
