import type { QueueFile } from '../../queue/queue-types.js';

/** A library sound a file is close to. */
export interface LibrarySound {
  assetId: string;
  /** Where the library holds it. */
  path: string;
}

/** A file kept beside the sounds it is close to (not certainly copies: all are kept). */
export interface SimilarGroup {
  /** The file's path. */
  id: string;
  file: QueueFile;
  /** The earlier files of the selection it is close to, best first. */
  files: QueueFile[];
  /** The library's sounds it is close to, best first. */
  library: LibrarySound[];
}

/**
 * The similar groups of an import, in discovery order: one for each file that is close to other
 * sounds and is not itself a duplicate, with those sounds. Pure.
 */
export function similarGroups(files: readonly QueueFile[]): SimilarGroup[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const groups: SimilarGroup[] = [];
  for (const file of files) {
    if (file.duplicate || file.similar.length === 0) continue;
    const group: SimilarGroup = { id: file.path, file, files: [], library: [] };
    for (const sound of file.similar) {
      if (sound.of === 'library') {
        group.library.push({ assetId: sound.assetId, path: sound.path });
        continue;
      }
      const other = byPath.get(sound.path);
      if (other) group.files.push(other);
    }
    if (group.files.length + group.library.length > 0) groups.push(group);
  }
  return groups.sort((a, b) => a.file.seq - b.file.seq);
}

/** How many files of the import were stored beside a sound close to theirs. */
export function countKeptBesideSimilar(files: readonly QueueFile[]): number {
  return files.filter((f) => f.state === 'done' && f.similar.length > 0).length;
}
