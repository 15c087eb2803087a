import type { ManifestEntry } from '../schemas/index.js';
import type { FileAnalysis } from './file-analysis.js';
import { toAnalysisLine } from './analysis-line.js';

/**
 * The manifest entry (shared/schemas) of an analysed file, under `relativePath` (the path from
 * the import's root, '/'-separated). A file that could not be read or analysed becomes an
 * `error` entry, so that the job's log records why.
 */
export function toManifestEntry(file: FileAnalysis, relativePath: string): ManifestEntry {
  if (file.status !== 'ok' || !file.contentHash || file.sizeBytes === null) {
    return {
      status: 'error',
      path: relativePath,
      error: file.error ?? 'the file could not be analysed',
    };
  }
  const line = toAnalysisLine(file, null);
  return {
    status: 'ok',
    path: relativePath,
    content_hash: file.contentHash,
    size_bytes: file.sizeBytes,
    kind: line.kind,
    duration_s: line.duration_s,
    sample_rate: line.sample_rate,
    channels: line.channels,
    format: line.format,
    bpm: line.bpm,
    bpm_confidence: line.bpm_confidence,
    key: line.key,
    camelot: line.camelot,
    key_confidence: line.key_confidence,
    loudness_lufs: line.loudness_lufs,
    peak_dbfs: line.peak_dbfs,
    fingerprint: file.analysis?.fingerprint ?? null,
  };
}
