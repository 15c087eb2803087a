import type { OnDuplicate } from '../../../../shared/schemas/index.js';
import {
  compareCopyQuality,
  copiesTogether,
  type CopyQuality,
} from '../../../../shared/import/index.js';
import type { QueueFile } from '../../queue/queue-types.js';

/** Files of one sound: copies within the selection, and the library's asset when it has one. */
export interface DuplicateGroup {
  /** The path of the selection's first file of this sound. */
  id: string;
  members: QueueFile[];
  /** The library asset of this sound, when the library has it. */
  libraryAssetId: string | null;
  /** The member kept (uploaded) when the group is resolved with 'skip' and the library lacks it. */
  best: QueueFile;
  resolution: OnDuplicate;
}

/** What tells copies of one sound apart in quality (the CLI's rule too). */
const qualityOf = (f: QueueFile): CopyQuality => ({
  format: f.format ?? null,
  sampleRate: f.analysis?.sampleRate ?? null,
  bitDepth: f.bitDepth ?? null,
  sizeBytes: f.sizeBytes,
});

/** Orders copies of one sound from best to worst (compareCopyQuality), then in discovery order. */
export function compareQuality(a: QueueFile, b: QueueFile): number {
  return compareCopyQuality(qualityOf(a), qualityOf(b)) || a.seq - b.seq;
}

/**
 * The duplicate groups of an import, from each file's `duplicate` (a selection duplicate points
 * at the selection's first file of its sound; a library duplicate at the asset). Pure.
 */
export function duplicateGroups(files: readonly QueueFile[]): DuplicateGroup[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const groups = new Map<string, { members: QueueFile[]; asset: string | null }>();
  // A copy may point at another copy (identical bytes of a file that is itself a copy by
  // sound): follow the chain to the first file of the sound.
  const rootOf = (file: QueueFile): QueueFile => {
    let root = file;
    for (let hops = 0; root.duplicate?.of === 'selection' && hops < files.length; hops++) {
      const next = byPath.get(root.duplicate.ref);
      if (!next || next === root) break;
      root = next;
    }
    return root;
  };
  for (const file of files) {
    if (!file.duplicate) continue;
    const root = rootOf(file);
    const group = groups.get(root.path) ?? { members: [root], asset: null };
    if (file !== root) group.members.push(file);
    if (root.duplicate?.of === 'library') group.asset = root.duplicate.ref;
    groups.set(root.path, group);
  }
  return [...groups].map(([id, { members, asset }]) => {
    const ordered = [...members].sort((a, b) => a.seq - b.seq);
    const best = [...members].sort(compareQuality)[0]!;
    return {
      id,
      members: ordered,
      libraryAssetId: asset,
      best,
      resolution: ordered[0]!.resolution ?? 'skip',
    };
  });
}

/** Whether a member's bytes are uploaded, as the group is resolved. */
export function isKept(group: DuplicateGroup, file: QueueFile): boolean {
  if (group.resolution === 'keep-both') return true;
  return file === group.best && (group.libraryAssetId === null || group.resolution === 'replace');
}

/** What each file of a group sends to the server: whether to upload and its `on_duplicate`. */
export function plannedEntries(group: DuplicateGroup): Map<string, OnDuplicate> {
  const plan = new Map<string, OnDuplicate>();
  for (const file of group.members) {
    if (group.resolution === 'keep-both') plan.set(file.path, 'keep-both');
    else if (group.resolution === 'replace' && file === group.best) plan.set(file.path, 'replace');
    else plan.set(file.path, 'skip');
  }
  return plan;
}

/**
 * The order and `on_duplicate` of the files to send: the CLI's order (copiesTogether), so that
 * both send the same batches for the same folder: discovery (scan) order, the copies of a sound
 * together in the place of the first of them, the file kept first.
 */
export function manifestOrder(
  send: readonly QueueFile[],
  files: readonly QueueFile[],
): { file: QueueFile; onDuplicate: OnDuplicate | null }[] {
  const plan = new Map<string, OnDuplicate>();
  const soundOf = new Map<string, string>();
  for (const group of duplicateGroups(files)) {
    for (const [path, choice] of plannedEntries(group)) {
      plan.set(path, choice);
      soundOf.set(path, group.id);
    }
  }
  const inScanOrder = [...send].sort((a, b) => a.seq - b.seq);
  return copiesTogether(inScanOrder, (f) => soundOf.get(f.path) ?? null, compareQuality).map(
    (file) => ({ file, onDuplicate: plan.get(file.path) ?? null }),
  );
}
