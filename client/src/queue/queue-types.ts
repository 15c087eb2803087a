import type { SoundAnalysis, SoundKind } from '../../../shared/analysis/index.js';
import type { AudioFormat } from '../../../shared/decode/index.js';
import type { StageTimes } from '../../../shared/files/index.js';
import type { OnDuplicate } from '../../../shared/schemas/index.js';
import type {
  DuplicateInfo,
  ImportStage,
  ListedFile,
  SimilarInfo,
} from '../../../shared/import/index.js';

/** Where the import stands; the wizard's step follows from it. */
export type ImportStep = 'choose' | 'analyse' | 'duplicates' | 'upload' | 'summary';

export interface ImportRecord {
  id: string;
  createdAt: number;
  /** Names of the folders (or "Dropped files") the import was made from. */
  roots: string[];
  step: ImportStep;
  /** The server's job, once the manifest started going out. */
  jobId: string | null;
  /** Files whose entries the server has, so a resumed upload does not send them again. */
  manifestClosed: boolean;
  finishedAt: number | null;
  /**
   * Whether the import is a batch of a watched folder's new files: it goes from analysis to
   * upload without waiting for the user (duplicates skipped, as the default resolution does).
   */
  auto?: boolean;
}

export type { DuplicateInfo, SimilarInfo } from '../../../shared/import/index.js';

/** What the user corrected before upload. */
export interface FileEdits {
  bpm?: number | null;
  key?: string | null;
  kind?: SoundKind;
}

/** The analysis as the queue keeps it: the fingerprint lives in its own table. */
export type QueueAnalysis = Omit<SoundAnalysis, 'fingerprint'>;

/** One file of an import, as kept in IndexedDB. */
export interface QueueFile {
  importId: string;
  /** '/'-separated from the picked folder's parent: "Drums/Kicks/Kick 01.wav". */
  path: string;
  /** Discovery order: the manifest goes out in it. */
  seq: number;
  sizeBytes: number;
  lastModified: number;
  state: ImportStage;
  reason: string | null;
  retryable: boolean;
  contentHash: string | null;
  format: AudioFormat | null;
  codec: string | null;
  bitDepth: number | null;
  analysis: QueueAnalysis | null;
  /** Where its analysis time went (ms by stage), once analysed. */
  stageMs: StageTimes | null;
  edits: FileEdits;
  duplicate: DuplicateInfo | null;
  /** Sounds close to this one, best first; empty for a duplicate. */
  similar: SimilarInfo[];
  /** How a duplicate is resolved; null = keep the library's or the best copy (skip this one). */
  resolution: OnDuplicate | null;
  /** Whether its entry went to the job (accepted or refused): it is not sent again. */
  sent: boolean;
  entryId: string | null;
  uploadUrl: string | null;
  uploadedBytes: number;
}

export interface StoredFingerprint {
  importId: string;
  path: string;
  fingerprint: NonNullable<SoundAnalysis['fingerprint']>;
}

export interface StoredHandles {
  importId: string;
  handles: FileSystemDirectoryHandle[];
}

/**
 * A folder kept in sync ("watched"): its handles, what the last scan listed (the files already
 * sent to an import), and what the indicator shows. One at a time; it outlives imports.
 */
export interface WatchRecord {
  id: 'watch';
  /** Names of the watched folders (the handles' names). */
  roots: string[];
  handles: FileSystemDirectoryHandle[];
  /** The files known to the watch: imported, or in the batch under way. */
  listing: ListedFile[];
  /** Paths that were in the folder and are no longer (never deleted from the library). */
  gone: string[];
  /** When the last scan ended (ms since the epoch); null before the first. */
  lastScanAt: number | null;
  /** Files the watch's batches imported (stored as new sounds). */
  imported: number;
  /** The import of the batch under way, counted into `imported` when it ends. */
  batchImportId: string | null;
}
