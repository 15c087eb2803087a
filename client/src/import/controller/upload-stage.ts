import {
  IMPORT_POLICY,
  isFinal,
  ManifestSender,
  type ImportApi,
  type JobFeed,
  moveFile,
  UploadPool,
  type IngestOutcome,
} from '../../../../shared/import/index.js';
import type { BulkImportUpdate, OnDuplicate } from '../../../../shared/schemas/index.js';
import { uploadFile, type UploadResult } from '../../../../shared/uploads/tus-upload.js';
import type { QueueFile } from '../../queue/queue-types.js';
import { duplicateGroups, plannedEntries } from './duplicate-groups.js';
import type { ImportStore } from './import-store.js';
import { retrying } from './pacing.js';
import { queueEntry } from './queue-entry.js';

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
 * The wizard's ports of the shared import engine: the store (IndexedDB) as the journal, tus from
 * the page's File objects as the uploader, tRPC as the API. Sends the manifest and the bytes of
 * new sounds, resumable from their saved URLs; pauses when asked or when the browser goes
 * offline, and goes on by itself when back.
 */
export class UploadStage {
  /** The uploads of the run under way. */
  private pool: UploadPool | null = null;
  /** The manifest of the run under way, while it is being sent. */
  private sender: ManifestSender | null = null;
  private live: JobFeed | null = null;

  /**
   * @param settled called when the live feed ends the last files while no upload runs (a
   *   reopened import whose files the server stored before the page heard): the import can end.
   */
  constructor(
    private readonly store: ImportStore,
    private readonly api: ImportApi,
    private readonly settled: () => void = () => undefined,
  ) {}

  /** Runs until every file has ended or the page lacks the bytes of those left. */
  async run(): Promise<void> {
    const store = this.store;
    if (store.upload.running || !store.record) return;
    const pool = new UploadPool(
      {
        start: (path) => this.start(path),
        ended: (path, result) => this.ended(path, result),
        stopped: (path) => {
          const file = store.get(path);
          if (file?.state === 'uploading') store.set(moveFile(file, 'pending_upload'));
        },
        activeChanged: (active) => store.setUpload({ active }),
      },
      IMPORT_POLICY.parallelUploads,
    );
    if (store.upload.paused) pool.hold('paused');
    if (!navigator.onLine) pool.hold('offline');
    this.pool = pool;
    store.setUpload({ running: true });
    try {
      // Files the server waited for when the page closed go first; the manifest's new files
      // join as each batch is answered, not after the whole manifest (5,000 files took 21 s).
      for (const file of store.files.values()) {
        if (file.state === 'pending_upload' && file.entryId) pool.add(file.path);
      }
      const manifest = await this.sendManifest(pool).then(
        () => null,
        (error: unknown) => ({ error }),
      );
      await pool.drain();
      if (manifest) throw manifest.error;
      await this.refreshJob();
    } finally {
      this.pool = null;
      store.setUpload({ running: false, active: 0 });
      await store.flush();
    }
  }

  pause(): void {
    this.store.setUpload({ paused: true });
    this.pool?.hold('paused');
  }

  resume(): void {
    this.store.setUpload({ paused: false });
    this.pool?.release('paused');
  }

  /** The browser lost or found its network: uploads stop, and go on once it is back. */
  setOnline(online: boolean): void {
    if (online) this.pool?.release('offline');
    else this.pool?.hold('offline');
  }

  /** Stops the run: no more manifest calls (the manifest is left open), uploads stopped. */
  stop(): void {
    void this.live?.close();
    this.live = null;
    this.sender?.stop();
    this.pool?.stop();
  }

  /** Fetches the job's status (after the live feed was away, and at the end). */
  async refreshJob(): Promise<void> {
    const jobId = this.store.record?.jobId;
    if (!jobId) return;
    this.store.setJob(await retrying(this.store, () => this.api.status(jobId)));
  }

  private async sendManifest(pool: UploadPool): Promise<void> {
    const store = this.store;
    const record = store.record!;
    const plan = manifestPlan([...store.files.values()]);
    if (plan.length === 0 && record.manifestClosed) {
      this.follow();
      return;
    }
    if (!record.jobId) {
      const jobId = await retrying(store, () => this.api.init('skip', 'browser'));
      store.patchRecord({ jobId });
      await store.flush();
    }
    const jobId = store.record!.jobId!;
    this.follow();
    const choices = new Map(plan.map((p) => [p.file.path, p.onDuplicate]));
    const sender = new ManifestSender({
      entries: async (paths) => {
        const prints = await store.queue.fingerprints(record.id, [...paths]);
        return paths.map((path) =>
          queueEntry(store.get(path)!, prints.get(path) ?? null, choices.get(path) ?? null),
        );
      },
      ingest: (entries, last) => retrying(store, () => this.api.ingest(jobId, entries, last)),
      // A call let end after the import was left answers for a record no longer shown.
      answered: (path, outcome) => {
        if (store.record?.id === record.id && this.applyIngest(path, outcome)) pool.add(path);
      },
      batchDone: async (answer, last) => {
        if (store.record?.id !== record.id) return;
        store.setJob(answer.job);
        if (last) store.patchRecord({ manifestClosed: true });
        await store.flush();
      },
    });
    this.sender = sender;
    try {
      for (const { file } of plan) sender.add(file.path);
      await sender.finish();
    } finally {
      this.sender = null;
    }
  }

  /** Records the server's answer for one file; true when it waits for the file's bytes. */
  private applyIngest(path: string, outcome: IngestOutcome): boolean {
    const file = this.store.get(path);
    if (!file) return false;
    const sent = { ...file, sent: true, entryId: outcome.entryId };
    if (file.state === 'failed') {
      // Unreadable here: its entry told the job why.
      this.store.set(sent);
      return false;
    }
    switch (outcome.stage) {
      case 'failed':
        this.store.set(
          moveFile(sent, 'failed', { reason: outcome.reason, retryable: outcome.retryable }),
        );
        return false;
      case 'duplicate':
        this.store.set(moveFile(sent, 'duplicate', { reason: null }));
        return false;
      case 'done':
        this.store.set(moveFile(moveFile(sent, 'pending_upload'), 'done'));
        return false;
      case 'pending_upload':
        this.store.set(moveFile(sent, 'pending_upload'));
        return true;
    }
  }

  /** Follows the job's live events: counters, and files the server finished (duplicates at commit). */
  private follow(): void {
    const jobId = this.store.record?.jobId;
    if (!jobId || this.live) return;
    this.live = this.api.follow(jobId, (event: BulkImportUpdate) => this.applyEvent(event));
  }

  private applyEvent(event: BulkImportUpdate): void {
    const store = this.store;
    if (event.job_id !== store.record?.jobId) return;
    if (store.job) store.setJob({ ...store.job, status: event.status, totals: event.totals });
    for (const update of event.files) {
      const path = store.byEntry.get(update.entry_id);
      const file = path ? store.get(path) : undefined;
      if (!file || isFinal(file.state)) continue;
      if (update.state === 'done' || update.state === 'duplicate') {
        store.set(
          moveFile(
            file.state === 'analysed' ? moveFile(file, 'pending_upload') : file,
            update.state,
          ),
        );
      } else if (update.state === 'failed') {
        store.set(moveFile(file, 'failed', { reason: update.reason, retryable: true }));
      }
    }
    if (!store.job) void this.refreshJob();
    if (
      !store.upload.running &&
      store.record.step === 'upload' &&
      [...store.files.values()].every((f) => isFinal(f.state))
    )
      this.settled();
  }

  /** The upload of one file the server waits for; null when the page lacks its bytes. */
  private start(path: string) {
    const store = this.store;
    const file = store.get(path);
    const blob = store.blobOf(path);
    // The live feed may have ended it meanwhile; without its bytes it waits for a reconnect.
    if (!file || file.state !== 'pending_upload' || !file.entryId || !blob) return null;
    store.set(moveFile(file, 'uploading'));
    return uploadFile({
      endpoint: new URL('/api/v1/uploads', location.href).href,
      input: blob,
      headers: {},
      size: file.sizeBytes,
      entryId: file.entryId,
      uploadUrl: file.uploadUrl,
      chunkBytes: IMPORT_POLICY.chunkBytes,
      onUrl: (url) => {
        const now = store.get(path);
        if (now) store.set({ ...now, uploadUrl: url });
        void store.flush();
      },
      onProgress: (sent) => {
        const now = store.get(path);
        if (now) store.set({ ...now, uploadedBytes: sent });
      },
    });
  }

  private ended(path: string, result: UploadResult): 'ended' | 'again' {
    const store = this.store;
    const now = store.get(path)!;
    if (isFinal(now.state)) return 'ended'; // the live feed said how it ended first
    if (result.ok) {
      store.set(moveFile(now, result.state ?? 'done'));
      return 'ended';
    }
    if (!navigator.onLine) {
      // The network went before the browser said so: it waits, and goes on when back.
      store.set(moveFile(now, 'pending_upload'));
      this.pool?.hold('offline');
      return 'again';
    }
    store.set(moveFile(now, 'failed', { reason: result.reason, retryable: true }));
    return 'ended';
  }
}
