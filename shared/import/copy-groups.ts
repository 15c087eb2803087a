import type { OnDuplicate } from '../schemas/index.js';
import type { DuplicateInfo } from './copy-check.js';
import { compareCopyQuality, copiesTogether, type CopyQuality } from './copy-order.js';

/** What the copy groups read of an import's file. */
export interface GroupedFile {
  path: string;
  /** Discovery (scan) order: the manifest goes out in it. */
  seq: number;
  /** The sound it repeats (checkCopies); null when it is no one's copy. */
  duplicate: DuplicateInfo | null;
  /** How its group is resolved, as its user chose; null: not chosen (skip). */
  resolution: OnDuplicate | null;
}

/** Files of one sound: copies within the selection, and the library's asset when it has one. */
export interface CopyGroup<F> {
  /** The path of the selection's first file of this sound. */
  id: string;
  /** In discovery order. */
  members: F[];
  /** The library asset of this sound, when the library has it. */
  libraryAssetId: string | null;
  /** The member kept (uploaded) when the group is resolved with 'skip' and the library lacks it. */
  best: F;
  resolution: OnDuplicate;
}

/** Orders copies of one sound from best to worst (compareCopyQuality), then in discovery order. */
export function byCopyQuality<F extends GroupedFile>(
  qualityOf: (file: F) => CopyQuality,
): (a: F, b: F) => number {
  return (a, b) => compareCopyQuality(qualityOf(a), qualityOf(b)) || a.seq - b.seq;
}

/**
 * The copy groups of an import, from each file's `duplicate` (a selection duplicate points at
 * the selection's first file of its sound; a library duplicate at the asset), each with the
 * copy kept (the best by `qualityOf`) and the resolution its first file holds. Pure.
 */
export function copyGroups<F extends GroupedFile>(
  files: readonly F[],
  qualityOf: (file: F) => CopyQuality,
): CopyGroup<F>[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const groups = new Map<string, { members: F[]; asset: string | null }>();
  // A copy may point at another copy (identical bytes of a file that is itself a copy by
  // sound): follow the chain to the first file of the sound.
  const rootOf = (file: F): F => {
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
  const compare = byCopyQuality(qualityOf);
  return [...groups].map(([id, { members, asset }]) => {
    const ordered = [...members].sort((a, b) => a.seq - b.seq);
    const best = [...members].sort(compare)[0]!;
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
export function isKept<F>(group: CopyGroup<F>, file: F): boolean {
  if (group.resolution === 'keep-both') return true;
  return file === group.best && (group.libraryAssetId === null || group.resolution === 'replace');
}

/** What each file of a group sends to the server: its `on_duplicate`, by path. */
export function plannedEntries<F extends GroupedFile>(
  group: CopyGroup<F>,
): Map<string, OnDuplicate> {
  const plan = new Map<string, OnDuplicate>();
  for (const file of group.members) {
    if (group.resolution === 'keep-both') plan.set(file.path, 'keep-both');
    else if (group.resolution === 'replace' && file === group.best) plan.set(file.path, 'replace');
    else plan.set(file.path, 'skip');
  }
  return plan;
}

/**
 * The order and `on_duplicate` of the files to send, as the groups are resolved: the order of
 * every importer (copiesTogether, as bestCopiesFirst gives the CLI's), so that both send the
 * same batches for the same folder: discovery (scan) order, the copies of a sound together in
 * the place of the first of them, the file kept first. Pure.
 */
export function groupedManifestOrder<F extends GroupedFile>(
  send: readonly F[],
  files: readonly F[],
  qualityOf: (file: F) => CopyQuality,
): { file: F; onDuplicate: OnDuplicate | null }[] {
  const plan = new Map<string, OnDuplicate>();
  const soundOf = new Map<string, string>();
  for (const group of copyGroups(files, qualityOf)) {
    for (const [path, choice] of plannedEntries(group)) {
      plan.set(path, choice);
      soundOf.set(path, group.id);
    }
  }
  const inScanOrder = [...send].sort((a, b) => a.seq - b.seq);
  const compare = byCopyQuality(qualityOf);
  return copiesTogether(inScanOrder, (f) => soundOf.get(f.path) ?? null, compare).map((file) => ({
    file,
    onDuplicate: plan.get(file.path) ?? null,
  }));
}
