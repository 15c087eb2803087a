import {
  deliverResumed,
  isFinal,
  JobDelivery,
  liveChange,
  moveFile,
  reconcileRun,
  retryFailed,
  type FileChange,
  type ImportApi,
  type JobFeed,
  type RecordedFile,
  type ResumeJournal,
  type RunResumeOptions,
} from '../../../../shared/import/index.js';
import type { BulkImportUpdate, OnDuplicate } from '../../../../shared/schemas/index.js';
import type { QueueFile } from '../../queue/queue-types.js';
import { isJobGone } from '../../api/api-errors.js';
import { manifestOrder } from './duplicate-groups.js';
import type { ImportStore } from './import-store.js';
import { queueEntry } from './queue-entry.js';

/**
 * The wizard's store follows the job's live events, so the answers it recorded stand: a resumed
 * run sends only the entries never answered (resumeAction). Its failed files are retried with a
 * button of the summary, not when the page reopens (continueJob). A job that completed while
 * the page was away took every file: the store hears how each ended from its live feed.
 */
const WIZARD_RESUME: RunResumeOptions = {
  resendAnswered: false,
  retryFailed: false,
  keepCompleted: true,
};

/**
 * A waiting file of a job that takes nothing more, as a new job will take it (the journal's
 * restart): its entry to send afresh (new entry, new upload from 0).
 */
function startAfresh(file: QueueFile): QueueFile {
  return {
    ...file,
    state: 'analysed',
    sent: false,
    entryId: null,
    uploadUrl: null,
    uploadedBytes: 0,
  };
}

/** A queue file as a resumed run reads it; every file of an import is on the import's one job. */
function recorded(file: QueueFile, jobId: string | null): RecordedFile {
  const unreadable = file.state === 'failed' && !file.sent; // its entry says why
  return {
    stage: file.state,
    jobId,
    entryId: file.entryId,
    entry: file.state === 'discovered' ? 'none' : unreadable ? 'unreadable' : 'readable',
    answered: file.sent,
  };
}

/**
 * The wizard's ports of the shared delivery (JobDelivery): the store (IndexedDB) as the journal,
 * the page's File objects as the source, tRPC as the API. Sends the manifest and the bytes of
 * new sounds, resumable from their saved URLs; pauses when asked or when the browser goes
 * offline, and goes on by itself when back.
 */
export class UploadStage {
  /** The delivery of the run under way. */
  private delivery: JobDelivery | null = null;
  private live: JobFeed | null = null;
  /** Imports whose job the server was asked about in this page (reconcile). */
  private readonly reconciled = new Set<string>();

  /**
   * @param api the server, its calls made through `retrying` (retryingApi).
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
    const record = store.record;
    if (store.upload.running || !record) return;
    await this.reconcile();
    if (store.record?.id !== record.id) return; // the import was left meanwhile
    const target = { jobId: store.record.jobId, manifestClosed: store.record.manifestClosed };
    const journal = this.journal();
    // The manifest order (duplicate-groups) and each file's `on_duplicate`, as the user chose.
    const choices = new Map<string, OnDuplicate | null>();
    const order = (send: readonly string[]) => {
      const plan = manifestOrder(
        send.map((path) => store.get(path)!),
        [...store.files.values()],
      );
      for (const p of plan) choices.set(p.file.path, p.onDuplicate);
      return plan.map((p) => p.file.path);
    };
    const delivery = new JobDelivery({
      file: (path) => this.file(path),
      // A call let end after the import was left answers for a record no longer shown.
      record: (path, change) => {
        if (store.record?.id === record.id) this.record(path, change);
      },
      entries: async (paths) => {
        const prints = await store.queue.fingerprints(record.id, [...paths]);
        return paths.map((path) =>
          queueEntry(store.get(path)!, prints.get(path) ?? null, choices.get(path) ?? null),
        );
      },
      api: this.api,
      batchDone: async (answer, last) => {
        if (store.record?.id !== record.id) return;
        store.setJob(answer.job);
        if (last) store.patchRecord({ manifestClosed: true });
        await store.flush();
      },
      open: (path) => {
        const blob = store.blobOf(path);
        // Without its bytes it waits for the folder to be reconnected.
        return Promise.resolve(blob ? { input: blob, size: blob.size } : null);
      },
      endpoint: new URL('/api/v1/uploads', location.href).href,
      progress: (path, sent) => {
        const now = store.get(path);
        if (now) store.set({ ...now, uploadedBytes: sent });
      },
      offline: () => !navigator.onLine,
      activeChanged: (active) => store.setUpload({ active }),
    });
    if (store.upload.paused) delivery.hold('paused');
    if (!navigator.onLine) delivery.hold('offline');
    this.delivery = delivery;
    store.setUpload({ running: true });
    try {
      // Files the server waited for when the page closed go first; the manifest's new files
      // join as each batch is answered, not after the whole manifest (5,000 files took 21 s).
      await deliverResumed(delivery, journal, target, WIZARD_RESUME, {
        job: () => this.job(),
        follow: () => this.follow(),
        order,
      });
      await this.refreshJob();
    } finally {
      this.delivery = null;
      store.setUpload({ running: false, active: 0 });
      await store.flush();
    }
  }

  pause(): void {
    this.store.setUpload({ paused: true });
    this.delivery?.hold('paused');
  }

  resume(): void {
    this.store.setUpload({ paused: false });
    this.delivery?.release('paused');
  }

  /** The browser lost or found its network: uploads stop, and go on once it is back. */
  setOnline(online: boolean): void {
    if (online) this.delivery?.release('offline');
    else this.delivery?.hold('offline');
  }

  /** Stops the run: no more manifest calls (the manifest is left open), uploads stopped. */
  stop(): void {
    void this.live?.close();
    this.live = null;
    this.delivery?.stop();
  }

  /** Fetches the job's status (after the live feed was away, and at the end). */
  async refreshJob(): Promise<void> {
    const jobId = this.store.record?.jobId;
    if (!jobId) return;
    this.store.setJob(await this.api.status(jobId));
  }

  /** The import's job, made (and kept in IndexedDB) before its first manifest call. */
  private async job(): Promise<string> {
    const store = this.store;
    if (!store.record!.jobId) {
      const jobId = await this.api.init('skip', 'browser');
      this.reconciled.add(store.record!.id); // made here: nothing to ask
      store.patchRecord({ jobId });
      await store.flush();
    }
    return store.record!.jobId!;
  }

  /**
   * Once an opened import has a job, before its first run of the uploads in this page: the
   * server's word on that job (continueJob, as the CLI asks it). An open job goes on as the
   * server describes it, and so does a completed one (its live feed tells the files' ends); one
   * gone, failed or cancelled while the page was away takes nothing more, so the files still
   * waiting go to a new job (startAfresh).
   */
  private async reconcile(): Promise<void> {
    const store = this.store;
    const record = store.record!;
    if (!record.jobId || this.reconciled.has(record.id)) return;
    const ports = { ...this.api, isGone: isJobGone };
    const { target, status, restarted } = await reconcileRun(
      ports,
      record.jobId,
      this.journal(),
      WIZARD_RESUME,
    );
    this.reconciled.add(record.id);
    if (store.record?.id !== record.id) return;
    if (!status) store.setNotice(null); // a job the server does not know is no problem to show
    if (target.jobId) {
      store.setJob(status);
      if (target.manifestClosed !== record.manifestClosed)
        store.patchRecord({ manifestClosed: target.manifestClosed });
    } else if (restarted.length > 0) {
      store.patchRecord({ jobId: null, manifestClosed: false });
      store.setJob(null);
    }
    await store.flush();
  }

  /** Has the job take its failed uploads back; they wait for the next run of the uploads. */
  async retryFailed(jobId: string): Promise<void> {
    await retryFailed(this.api, jobId, this.journal());
  }

  /** The store as the shared engine's journal; every file of an import is on the import's job. */
  private journal(): ResumeJournal {
    const store = this.store;
    return {
      file: (path) => this.file(path),
      record: (path, change) => this.record(path, change),
      keys: () => store.files.keys(),
      recorded: (path) => {
        const file = store.get(path);
        return file && recorded(file, store.record?.jobId ?? null);
      },
      restart: (path) => store.set(startAfresh(store.get(path)!)),
    };
  }

  /** A file as the delivery reads it from the store. */
  private file(path: string) {
    const file = this.store.get(path);
    return file && { ...file, stage: file.state };
  }

  /** Records a change the delivery made to one file in the store (the journal). */
  private record(path: string, change: FileChange): void {
    const store = this.store;
    const file = store.get(path);
    if (!file) return;
    let next: QueueFile = { ...file };
    if (change.entryId !== undefined) next = { ...next, sent: true, entryId: change.entryId };
    // A stored file keeps its URL: it marks the bytes this import sent (the progress counts them).
    const stored = change.stage === 'done' || change.stage === 'duplicate';
    if (change.uploadUrl !== undefined && !(stored && change.uploadUrl === null)) {
      next.uploadUrl = change.uploadUrl;
      if (change.uploadUrl === null) next.uploadedBytes = 0; // a new upload starts from 0
    }
    // A file unreadable here keeps its own reason: its entry only told the job why.
    const failedHere = file.state === 'failed' && !file.sent;
    if (change.stage && !failedHere) {
      if (change.stage === 'done' && next.state === 'analysed')
        next = moveFile(next, 'pending_upload'); // the server had its bytes already
      const patch: Partial<QueueFile> = {};
      if (change.reason !== undefined) patch.reason = change.reason;
      if (change.retryable !== undefined) patch.retryable = change.retryable;
      next = moveFile(next, change.stage, patch);
    }
    store.set(next);
    if (change.uploadUrl) void store.flush();
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
      const file = path === undefined ? undefined : store.get(path);
      const change = file && liveChange(file.state, update);
      if (change) this.record(file.path, change);
    }
    if (!store.job) void this.refreshJob();
    if (
      !store.upload.running &&
      store.record.step === 'upload' &&
      [...store.files.values()].every((f) => isFinal(f.state))
    )
      this.settled();
  }
}
