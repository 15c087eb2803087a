import type { OnDuplicate } from '../../../../shared/schemas/index.js';
import { createAnalysisPool, type AnalysisPool } from '../../analysis/analysis-pool.js';
import { trpcImportApi } from '../../api/import-api.js';
import { isFinal, moveFile, type ImportApi } from '../../../../shared/import/index.js';
import { ImportQueue } from '../../queue/import-queue.js';
import { QueueDb } from '../../queue/queue-db.js';
import type { FileEdits, ImportStep, QueueFile } from '../../queue/queue-types.js';
import { factsOf, regrant, type Pick } from '../pick/picked-files.js';
import { FolderSync } from '../sync/folder-sync.js';
import { analyseAll, findDuplicates } from './analysis-stage.js';
import { ImportStore, needsBytes } from './import-store.js';
import { retryingApi } from './pacing.js';
import { UploadStage } from './upload-stage.js';

/**
 * The import wizard's engine: picks, analysis, duplicate decisions, upload and summary, kept in
 * IndexedDB so that a reload or a closed tab resumes where it stopped (after the folder is
 * reconnected: a page cannot keep File objects across a reload, only folder handles).
 */
export class ImportController {
  readonly store: ImportStore;
  /** The folder kept in sync, whose new files this controller imports. */
  readonly sync: FolderSync;
  private pool: AnalysisPool | null = null;
  private readonly uploads: UploadStage;
  private busy = false;
  /** Whether `continue` was asked for while it ran: it runs once more when it is done. */
  private again = false;

  /** Window listeners, removed by `dispose`. */
  private readonly listening = new AbortController();
  private disposed = false;

  /** The server, every call retried while the network or the server is away. */
  private readonly api: ImportApi;

  private constructor(queue: ImportQueue, api: ImportApi) {
    this.store = new ImportStore(queue);
    this.api = retryingApi(api, this.store);
    this.uploads = new UploadStage(this.store, this.api, () => void this.continue());
    this.sync = new FolderSync(this);
    const online = () => {
      this.store.setOnline(navigator.onLine);
      this.uploads.setOnline(navigator.onLine);
    };
    const signal = this.listening.signal;
    window.addEventListener('online', online, { signal });
    window.addEventListener('offline', online, { signal });
    // A closing tab writes what it has; IndexedDB finishes the write after the page is gone.
    window.addEventListener('pagehide', () => void this.store.flush(), { signal });
  }

  /** Opens the queue and the import it holds, if any; `api` is the server (tRPC by default). */
  static async open(dbName?: string, api: ImportApi = trpcImportApi): Promise<ImportController> {
    const queue = new ImportQueue(new QueueDb(dbName));
    const controller = new ImportController(queue, api);
    const open = await queue.open();
    controller.store.load(open?.record ?? null, open?.files ?? []);
    if (open) controller.store.setCanRegrant((await queue.handles(open.record.id)).length > 0);
    void controller.continue();
    await controller.sync.open();
    return controller;
  }

  /**
   * Lets go of the page: window listeners removed, uploads stopped (resumable), workers ended,
   * what is pending written. A disposed controller does nothing more.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.sync.dispose();
    this.listening.abort();
    this.uploads.stop();
    this.pool?.terminate();
    this.pool = null;
    await this.store.flush();
  }

  /** Adds picked files: to a new import, to the one being chosen, or as the reconnected folder. */
  async addPick(pick: Pick): Promise<void> {
    const store = this.store;
    const found = await factsOf(pick.files);
    if (!store.record || store.record.finishedAt !== null) {
      const { record, files } = await store.queue.create(pick.roots, found);
      store.load(record, files);
    } else if (store.record.step === 'choose') {
      const roots = [...new Set([...store.record.roots, ...pick.roots])];
      store.patchRecord({ roots });
      const added = await store.queue.add(
        store.record,
        new Set(store.files.keys()),
        found,
        store.files.size,
      );
      for (const file of added) store.set(file);
    } else {
      this.reconnect(found);
    }
    for (const { path, file } of pick.files) {
      if (store.get(path)) store.holdBytes(path, file);
    }
    if (pick.handles.length > 0 && store.record)
      await store.queue.saveHandles(store.record.id, pick.handles);
    store.changed();
    void this.continue();
  }

  /**
   * Imports a watched folder's new files as one new import that needs no clicks: analysed,
   * duplicates skipped (the default resolution), uploaded. The import shown before, if any,
   * must have ended (the caller waits for that). Resolves once the import is made (its record
   * is the store's), not when it ends.
   */
  async addSyncBatch(pick: Pick): Promise<void> {
    if (this.store.record) await this.newImport();
    await this.addPick(pick);
    this.store.patchRecord({ auto: true, step: 'analyse' });
    void this.continue();
  }

  /** Asks again for the kept folders (one click) and carries on. */
  async regrant(): Promise<void> {
    const record = this.store.record;
    if (!record) return;
    await this.addPick(await regrant(await this.store.queue.handles(record.id)));
  }

  async startAnalysis(): Promise<void> {
    if (!this.store.record || this.store.files.size === 0) return;
    this.setStep('analyse');
    await this.continue();
  }

  async startUpload(): Promise<void> {
    this.setStep('upload');
    await this.continue();
  }

  pause(): void {
    this.uploads.pause();
  }

  resume(): void {
    this.uploads.resume();
  }

  /** How one duplicate group (or, with null, every group) is resolved. */
  resolve(groupId: string | null, resolution: OnDuplicate): void {
    for (const group of this.store.getSnapshot().groups) {
      if (groupId !== null && group.id !== groupId) continue;
      for (const member of group.members) this.store.set({ ...member, resolution });
    }
  }

  /** The user's corrections of a file's BPM, key or kind, before its upload. */
  edit(path: string, edits: FileEdits): void {
    const file = this.store.get(path);
    if (file && !file.sent) this.store.set({ ...file, edits: { ...file.edits, ...edits } });
  }

  /** Sends the files that failed to upload again (the server lets the job take them back). */
  async retryFailed(): Promise<void> {
    const jobId = this.store.record?.jobId;
    if (!jobId) return;
    await this.uploads.retryFailed();
    this.store.patchRecord({ finishedAt: null });
    await this.startUpload();
  }

  /** Leaves the current import (kept as it ended) and opens an empty one. */
  async newImport(): Promise<void> {
    this.uploads.stop();
    this.pool?.terminate();
    this.pool = null;
    if (this.store.record && this.store.record.finishedAt === null)
      this.store.patchRecord({ finishedAt: Date.now() });
    await this.store.flush();
    this.store.dropBytes();
    this.store.load(null, []);
  }

  private setStep(step: ImportStep): void {
    this.store.patchRecord({ step });
  }

  /** Takes the import from where it stands as far as the page can without the user. */
  private async continue(): Promise<void> {
    const store = this.store;
    if (this.busy) {
      this.again = true;
      return;
    }
    if (this.disposed || !store.record || store.record.finishedAt !== null) return;
    this.busy = true;
    this.again = false;
    try {
      // A batch whose page closed before its analysis began.
      if (store.record.auto && store.record.step === 'choose') this.setStep('analyse');
      if (store.record.step === 'analyse') {
        this.pool ??= createAnalysisPool();
        await analyseAll(store, this.pool, () => store.record?.step !== 'analyse');
        if (![...store.files.values()].some((f) => f.state === 'discovered')) {
          await findDuplicates(store, this.api);
          this.setStep('duplicates');
          this.pool.terminate();
          this.pool = null;
        }
      }
      // A watched folder's batch does not wait at the duplicates for a click.
      if (store.record?.auto && store.record.step === 'duplicates') this.setStep('upload');
      if (store.record?.step === 'upload') {
        await this.uploads.run();
        if ([...store.files.values()].every((f) => isFinal(f.state))) {
          await this.uploads.refreshJob();
          store.patchRecord({ step: 'summary', finishedAt: Date.now() });
          this.uploads.stop();
        }
      }
    } catch (error) {
      store.setNotice(error instanceof Error ? error.message : String(error));
    } finally {
      this.busy = false;
      store.changed();
      await store.flush();
    }
    if (this.again && !this.disposed) await this.continue();
  }

  /** Gives the reopened import its files' bytes again, matching paths, sizes and dates. */
  private reconnect(found: { path: string; sizeBytes: number; lastModified: number }[]): void {
    for (const { path, sizeBytes, lastModified } of found) {
      const known = this.store.get(path);
      if (!known || !needsBytes(known)) continue;
      if (known.sizeBytes === sizeBytes && known.lastModified === lastModified) continue;
      this.store.set(changedOnDisk(known));
    }
  }
}

/** A file that changed since it was analysed: analysed again if its entry was not sent yet. */
function changedOnDisk(file: QueueFile): QueueFile {
  if (!file.sent && (file.state === 'analysed' || file.state === 'discovered')) {
    return {
      ...file,
      state: 'discovered',
      analysis: null,
      contentHash: null,
      duplicate: null,
      similar: [],
    };
  }
  return moveFile(file, 'failed', {
    reason: 'the file changed on disk after it was analysed; import it again',
    retryable: false,
  });
}
