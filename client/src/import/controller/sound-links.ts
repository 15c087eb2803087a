import type { RunMatch } from '../../../../shared/files/index.js';
import type { CheckResponse } from '../../../../shared/schemas/index.js';
import type { QueueFile, SimilarInfo } from '../../queue/queue-types.js';

/** One answer of the library preflight. */
type CheckResult = CheckResponse['results'][number];

/**
 * The file with what the run's de-duplication says of it: the earlier file of the selection it
 * is a copy of, or else the earlier files it is close to (any library links are dropped: the
 * preflight gives them again).
 */
export function withRunMatch(file: QueueFile, match: RunMatch): QueueFile {
  const copy = match.duplicate;
  return {
    ...file,
    duplicate: copy
      ? {
          of: 'selection',
          ref: copy.duplicateOf,
          match: copy.by === 'content_hash' ? 'content' : 'sound',
        }
      : null,
    similar: match.similarTo.map((path) => ({ of: 'selection', path })),
  };
}

/**
 * The file with the library preflight's answer: a duplicate of the library's sound (and then
 * close to nothing), or close to the library sounds the answer names, after the selection's.
 */
export function withLibraryCheck(file: QueueFile, result: CheckResult): QueueFile {
  if (result.action === 'reject' && result.asset_id) {
    const match = result.match ?? 'sound';
    return { ...file, duplicate: { of: 'library', ref: result.asset_id, match }, similar: [] };
  }
  const library = result.similar_to.flatMap((s): SimilarInfo[] =>
    s.asset_id ? [{ of: 'library', assetId: s.asset_id, path: s.path }] : [],
  );
  const selection = file.similar.filter((s) => s.of === 'selection');
  return { ...file, similar: [...selection, ...library] };
}

/** Whether two versions of a file name the same duplicate and similar sounds. */
export function sameLinks(a: QueueFile, b: QueueFile): boolean {
  return JSON.stringify([a.duplicate, a.similar]) === JSON.stringify([b.duplicate, b.similar]);
}
