import type { LibraryItem, SimilarFile } from '../../../shared/schemas/index.js';
import type { AudioFileRow } from './audio-file.repository.js';
import type { SimilarAssetRow } from './similar-link.repository.js';

/** A library file as `library.list` answers it. */
export function libraryItemView(row: AudioFileRow): LibraryItem {
  return {
    id: row.id,
    path: row.originalPath,
    content_hash: row.contentHash,
    kind: row.kind,
    duration_s: row.durationS,
    bpm: row.bpm,
    key: row.key,
    loudness_lufs: row.loudnessLufs,
    format: row.format,
    size_bytes: row.sizeBytes,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * A file similar to another, as `library.similar` answers it: linked by duplicate detection
 * (similarity: the fingerprint comparison's) or near by timbre (the timbre vectors' cosine).
 */
export function similarFileView(row: SimilarAssetRow, reason: SimilarFile['reason']): SimilarFile {
  return {
    id: row.id,
    path: row.originalPath,
    kind: row.kind,
    duration_s: row.durationS,
    similarity: row.similarity,
    reason,
  };
}
