import {
  byCopyQuality,
  copyGroups,
  groupedManifestOrder,
  type CopyGroup,
  type CopyQuality,
} from '../../../../shared/import/index.js';
import type { QueueFile } from '../../queue/queue-types.js';

export { isKept } from '../../../../shared/import/index.js';

/** Files of one sound in the queue (copyGroups). */
export type DuplicateGroup = CopyGroup<QueueFile>;

/** What tells copies of one sound apart in quality (the CLI's rule too). */
const qualityOf = (f: QueueFile): CopyQuality => ({
  format: f.format ?? null,
  sampleRate: f.analysis?.sampleRate ?? null,
  bitDepth: f.bitDepth ?? null,
  sizeBytes: f.sizeBytes,
});

/** Orders copies of one sound from best to worst (compareCopyQuality), then in discovery order. */
export const compareQuality = byCopyQuality(qualityOf);

/** The duplicate groups of an import, from each file's `duplicate` (copyGroups). Pure. */
export function duplicateGroups(files: readonly QueueFile[]): DuplicateGroup[] {
  return copyGroups(files, qualityOf);
}

/** The order and `on_duplicate` of the files to send, as the user resolved each group. */
export function manifestOrder(
  send: readonly QueueFile[],
  files: readonly QueueFile[],
): { file: QueueFile; onDuplicate: QueueFile['resolution'] }[] {
  return groupedManifestOrder(send, files, qualityOf);
}
