import type { SoundAnalysis } from '../analysis/index.js';
import type { AudioFormat } from '../decode/index.js';
import type { StageTimes } from './stage-times.js';

/** What analysing one file produced; plain data, so it crosses worker_threads unchanged. */
export interface FileAnalysis {
  path: string;
  status: 'ok' | 'error' | 'skipped';
  /** Why the file errored or was skipped; null when ok. */
  error: string | null;
  sizeBytes: number | null;
  /** xxh64 of the file's bytes as 16 hex digits; null when the file could not be read. */
  contentHash: string | null;
  format: AudioFormat | null;
  codec: string | null;
  bitDepth: number | null;
  analysis: SoundAnalysis | null;
  /** Where the time went, for files that got as far as analysis. */
  stageMs?: StageTimes;
}

/** A result for a file that did not get as far as analysis. */
export function failedAnalysis(
  path: string,
  status: 'error' | 'skipped',
  error: string,
  partial: Partial<FileAnalysis> = {},
): FileAnalysis {
  return {
    path,
    status,
    error,
    sizeBytes: null,
    contentHash: null,
    format: null,
    codec: null,
    bitDepth: null,
    analysis: null,
    ...partial,
  };
}
