import type { Fingerprint } from '../analysis/index.js';
import { RunDeduplicator } from '../files/run-dedupe.js';
import type { CheckResponse } from '../schemas/index.js';
import type { CheckItem } from './import-api.js';
import { IMPORT_POLICY } from './policy.js';

/** The sound a file repeats: in the library, or an earlier file of this run. */
export interface DuplicateInfo {
  of: 'library' | 'selection';
  /** The path of the run's file, or the library asset's id. */
  ref: string;
  match: 'content' | 'sound';
}

/**
 * A sound close to a file's without being certainly the same (another recording of the hit, an
 * edit of it): both are kept. An earlier file of this run (its path), or a sound of the library
 * (its asset, and the path the library holds it under).
 */
export type SimilarInfo =
  { of: 'selection'; path: string } | { of: 'library'; assetId: string; path: string };

/** What the copy check says of one file. */
export interface CopyLinks {
  duplicate: DuplicateInfo | null;
  /** Sounds close to it, the run's first, best first; empty for a duplicate. */
  similar: SimilarInfo[];
}

/** What the copy check reads of one analysed file. */
export interface CopyCandidate {
  key: string;
  contentHash: string;
  fingerprint: Fingerprint | null;
}

/**
 * Finds the sounds heard twice before anything is sent, as every importer does it (the CLI's
 * `--dry-run`, the wizard's duplicates step): within the run first (identical bytes, then the
 * same sound: RunDeduplicator, in the order given, so each copy names the first file of its
 * sound), then each remaining file against the library with the server's preflight, in
 * batches. `found` is told each file's links: a run duplicate at once, any other file once its
 * batch is answered.
 */
export async function checkCopies(
  files: Iterable<CopyCandidate> | AsyncIterable<CopyCandidate>,
  check: (items: CheckItem[]) => Promise<CheckResponse>,
  found: (key: string, links: CopyLinks) => void,
  batch: number = IMPORT_POLICY.checkBatch,
): Promise<void> {
  const dedupe = new RunDeduplicator();
  const waiting = new Map<string, SimilarInfo[]>();
  let items: CheckItem[] = [];
  const ask = async () => {
    const asked = items;
    items = [];
    const { results } = await check(asked);
    for (const result of results) {
      const run = waiting.get(result.id);
      if (!run) continue;
      waiting.delete(result.id);
      found(result.id, libraryLinks(run, result));
    }
  };
  for await (const file of files) {
    const match = dedupe.checkSound(file.key, file.contentHash, file.fingerprint);
    const copy = match.duplicate;
    if (copy) {
      const how = copy.by === 'content_hash' ? 'content' : 'sound';
      found(file.key, {
        duplicate: { of: 'selection', ref: copy.duplicateOf, match: how },
        similar: [],
      });
      continue;
    }
    waiting.set(
      file.key,
      match.similarTo.map((path) => ({ of: 'selection', path })),
    );
    items.push({ id: file.key, content_hash: file.contentHash, fingerprint: file.fingerprint });
    if (items.length >= batch) await ask();
  }
  if (items.length > 0) await ask();
}

/** A file's links once the library's preflight answered for it. */
function libraryLinks(run: SimilarInfo[], result: CheckResponse['results'][number]): CopyLinks {
  if (result.action === 'reject' && result.asset_id) {
    const match = result.match ?? 'sound';
    return { duplicate: { of: 'library', ref: result.asset_id, match }, similar: [] };
  }
  const library = result.similar_to.flatMap((s): SimilarInfo[] =>
    s.asset_id ? [{ of: 'library', assetId: s.asset_id, path: s.path }] : [],
  );
  return { duplicate: null, similar: [...run, ...library] };
}
