import type { QueueFile } from './queue-types.js';

/** An analysed WAV of the queue for tests, with `patch` over it; `seq` defaults to 0. */
export function queueFile(path: string, patch: Partial<QueueFile> = {}): QueueFile {
  return {
    importId: 'import-1',
    path,
    seq: 0,
    sizeBytes: 100_000,
    lastModified: 0,
    state: 'analysed',
    reason: null,
    retryable: false,
    contentHash: '0123456789abcdef',
    format: 'wav',
    codec: 'pcm_s16le',
    bitDepth: 16,
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
    ...patch,
  };
}
