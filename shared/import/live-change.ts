import type { FileUpdate } from '../schemas/index.js';
import type { FileChange } from './job-delivery.js';
import { isFinal, type ImportStage } from './stages.js';

/**
 * What a job's live update of one entry (`bulk_import.update`) changes in its file, the live
 * half of keeping a journal in step with the server: stored or a duplicate (the server had its
 * bytes, or found the sound at commit), or failed, which the job can take back (`retry`). null
 * when the file had already ended, or when the update ends nothing.
 */
export function liveChange(
  stage: ImportStage,
  update: Pick<FileUpdate, 'state' | 'reason'>,
): FileChange | null {
  if (isFinal(stage)) return null;
  switch (update.state) {
    case 'done':
    case 'duplicate':
      return { stage: update.state };
    case 'failed':
      return { stage: 'failed', reason: update.reason, retryable: true };
    case 'pending_upload':
    case 'uploading':
    case 'cancelled':
      return null;
  }
}
