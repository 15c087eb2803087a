import type { Fingerprint } from '../../../shared/analysis/index.js';
import type { QueueDb } from './queue-db.js';
import type { ImportRecord, QueueFile, WatchRecord } from './queue-types.js';

/** A file as picking finds it, before anything is known of its sound. */
export interface FoundFile {
  path: string;
  sizeBytes: number;
  lastModified: number;
}

function newFile(importId: string, found: FoundFile, seq: number): QueueFile {
  return {
    importId,
    path: found.path,
    seq,
    sizeBytes: found.sizeBytes,
    lastModified: found.lastModified,
    state: 'discovered',
    reason: null,
    retryable: false,
    contentHash: null,
    format: null,
    codec: null,
    bitDepth: null,
    analysis: null,
    stageMs: null,
    edits: {},
    duplicate: null,
    similar: [],
    resolution: null,
    sent: false,
    entryId: null,
    uploadUrl: null,
    uploadedBytes: 0,
  };
}

/**
 * The import queue's persistence: one import at a time is open (not finished); its files, their
 * fingerprints and the folder handles it was picked from. Every method is one IndexedDB
 * transaction, so a closed tab leaves the queue as it was after the last completed call.
 */
export class ImportQueue {
  constructor(private readonly db: QueueDb) {}

  /** The import to show and its files in discovery order, or null when there is none. */
  async open(): Promise<{ record: ImportRecord; files: QueueFile[] } | null> {
    const records = await this.db.imports.orderBy('createdAt').reverse().toArray();
    // The newest unfinished import; else the last one, if it ended with its summary to show.
    const last = records[0]?.step === 'summary' ? records[0] : undefined;
    const record = records.find((r) => r.finishedAt === null) ?? last;
    if (!record) return null;
    const files = await this.db.files
      .where('[importId+seq]')
      .between([record.id, -Infinity], [record.id, Infinity])
      .toArray();
    // A page closed mid-upload left files 'uploading': they wait for their bytes again.
    return {
      record,
      files: files.map((f) =>
        f.state === 'uploading' ? { ...f, state: 'pending_upload' as const } : f,
      ),
    };
  }

  /** Starts a new import (any earlier one is left as it was, finished or not). */
  async create(
    roots: string[],
    found: FoundFile[],
  ): Promise<{ record: ImportRecord; files: QueueFile[] }> {
    const record: ImportRecord = {
      id: crypto.randomUUID(),
      createdAt: Date.now(),
      roots,
      step: 'choose',
      jobId: null,
      manifestClosed: false,
      finishedAt: null,
    };
    const files = found.map((f, i) => newFile(record.id, f, i));
    await this.db.imports.put(record);
    await this.putInSlices(files);
    return { record, files };
  }

  /** Adds files to an import, after those it has; paths it already holds are left out. */
  async add(
    record: ImportRecord,
    known: ReadonlySet<string>,
    found: FoundFile[],
    nextSeq: number,
  ): Promise<QueueFile[]> {
    const files = found
      .filter((f) => !known.has(f.path))
      .map((f, i) => newFile(record.id, f, nextSeq + i));
    await this.db.imports.put(record);
    await this.putInSlices(files);
    return files;
  }

  /**
   * Writes new files a slice per transaction, letting the page breathe between slices: one
   * transaction of 20,000 rows holds the main thread for seconds. A page closed midway keeps
   * the slices written; picking the folder again adds the rest.
   */
  private async putInSlices(files: QueueFile[]): Promise<void> {
    for (let i = 0; i < files.length; i += 1000) {
      await this.db.files.bulkPut(files.slice(i, i + 1000));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  saveRecord(record: ImportRecord): Promise<string> {
    return this.db.imports.put(record);
  }

  async saveFiles(files: QueueFile[]): Promise<void> {
    if (files.length > 0) await this.db.files.bulkPut(files);
  }

  async saveFingerprints(importId: string, prints: Map<string, Fingerprint>): Promise<void> {
    if (prints.size === 0) return;
    await this.db.fingerprints.bulkPut(
      [...prints].map(([path, fingerprint]) => ({ importId, path, fingerprint })),
    );
  }

  /** The fingerprints of these paths (all of the import's when `paths` is omitted). */
  async fingerprints(importId: string, paths?: string[]): Promise<Map<string, Fingerprint>> {
    const rows = paths
      ? (
          await this.db.fingerprints.bulkGet(paths.map((p) => [importId, p] as [string, string]))
        ).filter((r) => r !== undefined)
      : await this.db.fingerprints.where('importId').equals(importId).toArray();
    return new Map(rows.map((r) => [r.path, r.fingerprint]));
  }

  async saveHandles(importId: string, handles: FileSystemDirectoryHandle[]): Promise<void> {
    const stored = await this.db.handles.get(importId);
    await this.db.handles.put({ importId, handles: [...(stored?.handles ?? []), ...handles] });
  }

  async handles(importId: string): Promise<FileSystemDirectoryHandle[]> {
    return (await this.db.handles.get(importId))?.handles ?? [];
  }

  /** The folder kept in sync, if any (its handles come back from IndexedDB as they were kept). */
  async watch(): Promise<WatchRecord | null> {
    return (await this.db.watches.get('watch')) ?? null;
  }

  async saveWatch(watch: WatchRecord): Promise<void> {
    await this.db.watches.put(watch);
  }

  /** Stops keeping a folder in sync: what it imported stays in the library. */
  async dropWatch(): Promise<void> {
    await this.db.watches.delete('watch');
  }

  /** Drops an import and everything kept for it. */
  async discard(importId: string): Promise<void> {
    const { imports, files, fingerprints, handles } = this.db;
    await this.db.transaction('rw', [imports, files, fingerprints, handles], async () => {
      await imports.delete(importId);
      await files.where('importId').equals(importId).delete();
      await fingerprints.where('importId').equals(importId).delete();
      await handles.delete(importId);
    });
  }
}
