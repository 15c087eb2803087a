import { MAX_SIMILAR_TO } from '../../../shared/schemas/index.js';
import type { Repositories } from '../db/unit-of-work.js';
import type { SoundMatch } from './sound-match.js';

/**
 * Records what an entry just stored as `assetId` is similar to, in the transaction that stores
 * it: the library files stored since its ingest that it is similar to (`found`) join its links
 * while it has fewer than MAX_SIMILAR_TO, and each of its links whose other end is stored (a
 * library file, an entry stored earlier, or an earlier-stored entry linked to it) becomes a
 * link between the two library files. Entries stored later link themselves when they are.
 */
export async function linkStoredEntry(
  repos: Repositories,
  ownerId: string,
  entryId: string,
  assetId: string,
  found: SoundMatch<{ id: string }>[],
): Promise<void> {
  if (found.length > 0) {
    const current = (await repos.similar.refsOf([entryId])).get(entryId) ?? [];
    const named = new Set(current.map((ref) => ref.asset_id));
    const fresh = found
      .filter((m) => m.candidate.id !== assetId && !named.has(m.candidate.id))
      .slice(0, Math.max(0, MAX_SIMILAR_TO - current.length));
    await repos.similar.addEntryLinks(
      fresh.map((m) => ({ entryId, similarAssetId: m.candidate.id, similarity: m.similarity })),
    );
  }
  await repos.similar.linkStored(ownerId, entryId, assetId);
}
