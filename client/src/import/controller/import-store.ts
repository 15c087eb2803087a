import type { Fingerprint } from '../../../../shared/analysis/index.js';
import type { JobStatusResponse } from '../../../../shared/schemas/index.js';
import type { ImportStage } from '../../../../shared/import/index.js';
import type { ImportQueue } from '../../queue/import-queue.js';
import type { ImportRecord, QueueFile } from '../../queue/queue-types.js';
import { duplicateGroups, type DuplicateGroup } from './duplicate-groups.js';
import { similarGroups, type SimilarGroup } from './similar-groups.js';

export type StateCounts = Record<ImportStage, number>;

/** Live figures of the analysis. */
export interface AnalysisProgress {
  running: boolean;
  done: number;
  total: number;
  filesPerS: number;
  etaS: number | null;
}

/** Live state of the upload. */
export interface UploadProgress {
  running: boolean;
  paused: boolean;
  active: number;
}

/** Bytes of the files this import uploads, and how many of them the server holds. */
export interface UploadBytes {
  sent: number;
  total: number;
}

/** Everything the wizard shows, as one immutable snapshot. */
export interface ImportView {
  record: ImportRecord | null;
  files: readonly QueueFile[];
  counts: StateCounts;
  groups: readonly DuplicateGroup[];
  /** Files kept beside sounds close to theirs, apart from the duplicates. */
  similar: readonly SimilarGroup[];
  analysis: AnalysisProgress;
  upload: UploadProgress;
  bytes: UploadBytes;
  job: JobStatusResponse | null;
  online: boolean;
  /** Files whose bytes this page does not hold (after a reload): the folder must be reconnected. */
  missing: number;
  /** Whether kept folder handles can give the files back with one click. */
  canRegrant: boolean;
  /** What went wrong last, in words for a person; null when all is well. */
  notice: string | null;
}

const EMPTY_COUNTS: StateCounts = {
  discovered: 0,
  analysed: 0,
  pending_upload: 0,
  uploading: 0,
  done: 0,
  duplicate: 0,
  skipped: 0,
  failed: 0,
};

/** Writes go to IndexedDB at most this often; a closed tab loses at most this much progress. */
const FLUSH_MS = 400;
/** Rows written to IndexedDB per transaction. */
const WRITE_SLICE = 500;
/** The page re-renders at most this often while files flow. */
const EMIT_MS = 200;

/**
 * The open import in memory: its record, files (in discovery order), the File objects of this
 * page, and the live figures. Changes are written to the queue in batches and announced to the
 * page in throttled snapshots, so 5,000 files flowing never block the main thread.
 */
export class ImportStore {
  readonly files = new Map<string, QueueFile>();
  readonly byEntry = new Map<string, string>();
  private _record: ImportRecord | null = null;
  /** The File objects of this page (a reload loses them: the folder must be reconnected). */
  private readonly blobs = new Map<string, File>();
  private _job: JobStatusResponse | null = null;
  private _notice: string | null = null;
  private _online = navigator.onLine;
  private _canRegrant = false;
  private _analysis: AnalysisProgress = {
    running: false,
    done: 0,
    total: 0,
    filesPerS: 0,
    etaS: null,
  };
  private _upload: UploadProgress = { running: false, paused: false, active: 0 };

  private readonly dirty = new Set<string>();
  private readonly prints = new Map<string, Fingerprint>();
  private recordDirty = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private snapshot: ImportView | null = null;
  /**
   * Bumped when a file's duplicate, similar sounds or resolution change: the groups are rebuilt
   * only then.
   */
  private groupsVersion = 0;
  private groupsCache: {
    version: number;
    groups: DuplicateGroup[];
    similar: SimilarGroup[];
  } | null = null;

  constructor(readonly queue: ImportQueue) {}

  get record(): ImportRecord | null {
    return this._record;
  }
  get job(): JobStatusResponse | null {
    return this._job;
  }
  get notice(): string | null {
    return this._notice;
  }
  get analysis(): AnalysisProgress {
    return this._analysis;
  }
  get upload(): UploadProgress {
    return this._upload;
  }

  /** Replaces what the store holds (a new or reopened import). */
  load(record: ImportRecord | null, files: QueueFile[]): void {
    this._record = record;
    this.files.clear();
    this.byEntry.clear();
    for (const file of files) this.put(file);
    this._job = null;
    this._notice = null;
    this.changed();
  }

  /** The bytes of a picked file, held while the page lives. */
  holdBytes(path: string, file: File): void {
    this.blobs.set(path, file);
  }

  blobOf(path: string): File | undefined {
    return this.blobs.get(path);
  }

  /** Forgets the bytes of every file (a new import). */
  dropBytes(): void {
    this.blobs.clear();
  }

  setJob(job: JobStatusResponse | null): void {
    this._job = job;
    this.changed();
  }

  /** What went wrong, in words for a person; null once it is over. */
  setNotice(notice: string | null): void {
    if (notice === this._notice) return;
    this._notice = notice;
    this.changed();
  }

  setOnline(online: boolean): void {
    this._online = online;
    this.changed();
  }

  setCanRegrant(can: boolean): void {
    this._canRegrant = can;
    this.changed();
  }

  setAnalysis(patch: Partial<AnalysisProgress>): void {
    this._analysis = { ...this._analysis, ...patch };
    this.changed();
  }

  setUpload(patch: Partial<UploadProgress>): void {
    this._upload = { ...this._upload, ...patch };
    this.changed();
  }

  get(path: string): QueueFile | undefined {
    return this.files.get(path);
  }

  /** Records a file's new state; written to IndexedDB with the next batch. */
  set(file: QueueFile, fingerprint?: Fingerprint | null): void {
    const before = this.files.get(file.path);
    if (
      before?.duplicate !== file.duplicate ||
      before.similar !== file.similar ||
      before.resolution !== file.resolution
    ) {
      this.groupsVersion++;
    }
    this.put(file);
    this.dirty.add(file.path);
    if (fingerprint) this.prints.set(file.path, fingerprint);
    this.scheduleFlush();
    this.changed();
  }

  patchRecord(patch: Partial<ImportRecord>): void {
    if (!this._record) return;
    this._record = { ...this._record, ...patch };
    this.recordDirty = true;
    this.scheduleFlush();
    this.changed();
  }

  /** Announces a change of the live figures (no write). */
  changed(): void {
    this.snapshot = null;
    this.emitTimer ??= setTimeout(() => {
      this.emitTimer = null;
      for (const listener of this.listeners) listener();
    }, EMIT_MS);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ImportView => {
    this.snapshot ??= this.view();
    return this.snapshot;
  };

  /** Writes every pending change now (before a step that must survive a reload). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const record = this.recordDirty ? this.record : null;
    const files = [...this.dirty].map((p) => this.files.get(p)).filter((f) => f !== undefined);
    const prints = new Map(this.prints);
    this.recordDirty = false;
    this.dirty.clear();
    this.prints.clear();
    this.flushing = this.flushing.then(async () => {
      if (!this.record) return;
      const importId = this.record.id;
      await this.queue.saveFingerprints(importId, prints);
      // In slices: one write of thousands of rows would hold the page for seconds.
      for (let i = 0; i < files.length; i += WRITE_SLICE) {
        await this.queue.saveFiles(files.slice(i, i + WRITE_SLICE));
      }
      if (record) await this.queue.saveRecord(record);
    });
    return this.flushing;
  }

  private put(file: QueueFile): void {
    if (!this.files.has(file.path)) this.groupsVersion++;
    this.files.set(file.path, file);
    if (file.entryId) this.byEntry.set(file.entryId, file.path);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush().catch((error: unknown) => {
        this.setNotice(`Progress could not be saved in this browser: ${String(error)}`);
      });
    }, FLUSH_MS);
  }

  private view(): ImportView {
    const files = [...this.files.values()];
    const counts = { ...EMPTY_COUNTS };
    const bytes = { sent: 0, total: 0 };
    let missing = 0;
    for (const file of files) {
      counts[file.state]++;
      if (!this.blobs.has(file.path) && needsBytes(file)) missing++;
      // Files whose bytes go up: waiting for them, sending, or sent by this import.
      if (
        file.state === 'pending_upload' ||
        file.state === 'uploading' ||
        file.uploadUrl !== null
      ) {
        bytes.total += file.sizeBytes;
        bytes.sent += file.state === 'done' ? file.sizeBytes : file.uploadedBytes;
      }
    }
    if (this.groupsCache?.version !== this.groupsVersion) {
      this.groupsCache = {
        version: this.groupsVersion,
        groups: duplicateGroups(files),
        similar: similarGroups(files),
      };
    }
    return {
      record: this.record,
      files,
      counts,
      groups: this.groupsCache.groups,
      similar: this.groupsCache.similar,
      analysis: this._analysis,
      upload: this._upload,
      bytes,
      job: this._job,
      online: this._online,
      missing,
      canRegrant: this._canRegrant,
      notice: this._notice,
    };
  }
}

/** Whether the import still has to read this file's bytes (to analyse or to upload it). */
export function needsBytes(file: QueueFile): boolean {
  return (
    file.state === 'discovered' ||
    file.state === 'analysed' ||
    file.state === 'pending_upload' ||
    file.state === 'uploading'
  );
}
