import {
  isFinal,
  JobDelivery,
  JobSession,
  moveFile,
  type FileChange,
  type ImportApi,
  type JobSessionPorts,
  type RecordedFile,
  type RunResumeOptions,
  type SessionJournal,
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
 * The wizard's ports of the shared session of an import's job (JobSession) and of its deliveries
 * (JobDelivery): the store (IndexedDB) as the journal, the page's File objects as the source,
 * tRPC as the API. Sends the manifest and the bytes of new sounds, resumable from their saved
 * URLs; pauses when asked or when the browser goes offline, and goes on by itself when back.
 */
export class UploadStage {
  /** The session of the import shown (the last one run), by the import's id. */
  private session: { importId: string; session: JobSession } | null = null;

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
    const session = this.sessionOf(record.id);
    const asked = await session.reconcile();
    if (store.record?.id !== record.id) return; // the import was left meanwhile
    if (asked) await store.flush();
    store.setUpload({ running: true });
    try {
      // Files the server waited for when the page closed go first; the manifest's new files
      // join as each batch is answered, not after the whole manifest (5,000 files took 21 s).
      await session.deliver();
    } finally {
      store.setUpload({ running: false, active: 0 });
      await store.flush();
    }
  }

  pause(): void {
    this.store.setUpload({ paused: true });
    this.session?.session.hold('paused');
  }

  resume(): void {
    this.store.setUpload({ paused: false });
    this.session?.session.release('paused');
  }

  /** The browser lost or found its network: uploads stop, and go on once it is back. */
  setOnline(online: boolean): void {
    if (online) this.session?.session.release('offline');
    else this.session?.session.hold('offline');
  }

  /** Stops the run: no more manifest calls (the manifest is left open), uploads stopped. */
  stop(): void {
    this.session?.session.stop();
  }

  /** Fetches the job's status (after the live feed was away, and at the end). */
  async refreshJob(): Promise<void> {
    const record = this.store.record;
    if (record) await this.sessionOf(record.id).refreshStatus();
  }

  /** Has the job take its failed uploads back; they wait for the next run of the uploads. */
  async retryFailed(): Promise<void> {
    const record = this.store.record;
    if (record) await this.sessionOf(record.id).retryFailed();
  }

  private sessionOf(importId: string): JobSession {
    if (this.session?.importId !== importId)
      this.session = { importId, session: new JobSession(this.ports(importId)) };
    return this.session.session;
  }

  /**
   * The store as the session's journal, and what it tells: every file of an import is on the
   * import's one job. A call let end after the import was left answers for a record no longer
   * shown: it changes nothing.
   */
  private ports(importId: string): JobSessionPorts {
    const store = this.store;
    const shown = () => store.record?.id === importId;
    const journal: SessionJournal = {
      file: (path) => this.file(path),
      record: (path, change) => {
        if (shown()) this.record(path, change);
      },
      keys: () => store.files.keys(),
      recorded: (path) => {
        const file = store.get(path);
        return file && recorded(file, store.record?.jobId ?? null);
      },
      restart: (path) => store.set(startAfresh(store.get(path)!)),
      target: () => ({
        jobId: store.record?.jobId ?? null,
        manifestClosed: store.record?.manifestClosed ?? false,
      }),
      setTarget: ({ jobId, manifestClosed }) => {
        if (shown()) store.patchRecord({ jobId, manifestClosed });
      },
      keyOfEntry: (entryId) => store.byEntry.get(entryId),
    };
    // The manifest order (duplicate-groups) and each file's `on_duplicate`, as the user chose.
    const choices = new Map<string, OnDuplicate | null>();
    return {
      api: { ...this.api, isGone: isJobGone },
      journal,
      options: WIZARD_RESUME,
      createJob: async () => {
        const jobId = await this.api.init('skip', 'browser');
        if (shown()) store.patchRecord({ jobId });
        await store.flush();
        return jobId;
      },
      delivery: () => this.delivery(importId, journal, choices),
      order: (send) => {
        const plan = manifestOrder(
          send.map((path) => store.get(path)!),
          [...store.files.values()],
        );
        for (const p of plan) choices.set(p.file.path, p.onDuplicate);
        return plan.map((p) => p.file.path);
      },
      tell: {
        status: (status) => {
          if (shown()) store.setJob(status);
        },
        // A job the server does not know is no problem to show.
        gone: () => {
          if (shown()) store.setNotice(null);
        },
        heard: (event) => this.heard(event),
      },
    };
  }

  /** One run's delivery: held from the start while paused or offline. */
  private delivery(
    importId: string,
    journal: SessionJournal,
    choices: ReadonlyMap<string, OnDuplicate | null>,
  ): JobDelivery {
    const store = this.store;
    /** An upload said it retries and none has sent a byte since: the notice says why. */
    let retried = false;
    const delivery = new JobDelivery({
      ...journal,
      entries: async (paths) => {
        const prints = await store.queue.fingerprints(importId, [...paths]);
        return paths.map((path) =>
          queueEntry(store.get(path)!, prints.get(path) ?? null, choices.get(path) ?? null),
        );
      },
      api: this.api,
      batchDone: async (answer, last) => {
        if (store.record?.id !== importId) return;
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
        if (retried) store.setNotice(null); // bytes go through again
        retried = false;
      },
      retrying: (_path, reason) => {
        retried = true;
        store.setNotice(`Uploads: ${reason}; trying again, each goes on where it stopped…`);
      },
      offline: () => !navigator.onLine,
      activeChanged: (active) => {
        store.setUpload({ active });
        if (active > 0 || !retried) return;
        retried = false; // no upload left to retry: each file's row says how it ended
        store.setNotice(null);
      },
    });
    if (store.upload.paused) delivery.hold('paused');
    if (!navigator.onLine) delivery.hold('offline');
    return delivery;
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

  /** A live event of the job, once its files' ends are recorded: the job's counters. */
  private heard(event: BulkImportUpdate): void {
    const store = this.store;
    if (store.job) store.setJob({ ...store.job, status: event.status, totals: event.totals });
    else void this.refreshJob();
    if (
      !store.upload.running &&
      store.record?.step === 'upload' &&
      [...store.files.values()].every((f) => isFinal(f.state))
    )
      this.settled();
  }
}
