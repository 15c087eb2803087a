import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { SimilarTo } from '../../../shared/schemas/index.js';
import type { Database } from '../db/database.js';
import { audioFiles, audioFileSimilar, importEntries, importEntrySimilar } from '../db/schema.js';

export type NewEntryLink = typeof importEntrySimilar.$inferInsert;

/** A library file similar to another, with what a listing shows of it. */
export interface SimilarAssetRow {
  id: string;
  originalPath: string;
  kind: string | null;
  durationS: number | null;
  similarity: number;
}

/**
 * Similar links: of import entries (to earlier entries of their job and to library files),
 * and between library files once both are stored.
 */
export class SimilarLinkRepository {
  constructor(private readonly db: Database) {}

  /** Records entries' links; a link already recorded is left as it is. */
  async addEntryLinks(links: NewEntryLink[]): Promise<void> {
    for (let i = 0; i < links.length; i += 1000) {
      await this.db
        .insert(importEntrySimilar)
        .values(links.slice(i, i + 1000))
        .onConflictDoNothing();
    }
  }

  /** Forgets the links of an entry and to it (its content changed). */
  async clearEntry(entryId: string): Promise<void> {
    await this.db
      .delete(importEntrySimilar)
      .where(
        or(eq(importEntrySimilar.entryId, entryId), eq(importEntrySimilar.similarEntryId, entryId)),
      );
  }

  /**
   * What each of these entries is similar to, best first. A linked entry that is stored since
   * is named with its library file too; paths are the library file's current one.
   */
  async refsOf(entryIds: string[]): Promise<Map<string, SimilarTo[]>> {
    const refs = new Map<string, SimilarTo[]>();
    // In chunks that stay within the protocol's parameter limit (a job's snapshot).
    for (let i = 0; i < entryIds.length; i += 5000) {
      for (const row of await this.refRows(entryIds.slice(i, i + 5000))) {
        const ref = { asset_id: row.assetId, entry_id: row.similarEntryId, path: row.path };
        const list = refs.get(row.entryId);
        if (list) list.push(ref);
        else refs.set(row.entryId, [ref]);
      }
    }
    return refs;
  }

  private async refRows(entryIds: string[]) {
    const target = alias(importEntries, 'target');
    return this.db
      .select({
        entryId: importEntrySimilar.entryId,
        similarEntryId: importEntrySimilar.similarEntryId,
        assetId: sql<
          string | null
        >`coalesce(${importEntrySimilar.similarAssetId}, ${target.assetId})`,
        path: sql<string>`coalesce(${audioFiles.originalPath}, ${target.path})`,
      })
      .from(importEntrySimilar)
      .leftJoin(target, eq(target.id, importEntrySimilar.similarEntryId))
      .leftJoin(audioFiles, eq(audioFiles.id, importEntrySimilar.similarAssetId))
      .where(inArray(importEntrySimilar.entryId, entryIds))
      .orderBy(desc(importEntrySimilar.similarity), importEntrySimilar.similarEntryId);
  }

  /**
   * The entry was just stored as `assetId`: links it, both ways, with the library files it is
   * linked to, the stored entries it is linked to, and the stored entries linked to it.
   * Idempotent; an entry stored later makes its own links when it is stored.
   */
  async linkStored(ownerId: string, entryId: string, assetId: string): Promise<void> {
    const l = importEntrySimilar;
    const e = importEntries;
    await this.db.execute(sql`
      insert into ${audioFileSimilar} (owner_id, asset_id, similar_asset_id, similarity)
      select ${ownerId}::uuid, pair.a, pair.b, other.similarity
      from (
        select ${l.similarAssetId} as asset_id, ${l.similarity} as similarity
          from ${l} where ${l.entryId} = ${entryId} and ${l.similarAssetId} is not null
        union all
        select ${e.assetId}, ${l.similarity}
          from ${l} join ${e} on ${e.id} = ${l.similarEntryId}
          where ${l.entryId} = ${entryId} and ${e.state} = 'done' and ${e.assetId} is not null
        union all
        select ${e.assetId}, ${l.similarity}
          from ${l} join ${e} on ${e.id} = ${l.entryId}
          where ${l.similarEntryId} = ${entryId} and ${e.state} = 'done' and ${e.assetId} is not null
      ) other
      cross join lateral (values (${assetId}::uuid, other.asset_id), (other.asset_id, ${assetId}::uuid)) pair(a, b)
      where other.asset_id <> ${assetId}
      on conflict do nothing`);
  }

  /** The owner's files linked to `assetId`, closest first, at most `limit`. */
  async similarAssets(ownerId: string, assetId: string, limit: number): Promise<SimilarAssetRow[]> {
    return this.db
      .select({
        id: audioFiles.id,
        originalPath: audioFiles.originalPath,
        kind: audioFiles.kind,
        durationS: audioFiles.durationS,
        similarity: audioFileSimilar.similarity,
      })
      .from(audioFileSimilar)
      .innerJoin(audioFiles, eq(audioFiles.id, audioFileSimilar.similarAssetId))
      .where(and(eq(audioFileSimilar.ownerId, ownerId), eq(audioFileSimilar.assetId, assetId)))
      .orderBy(desc(audioFileSimilar.similarity), audioFiles.id)
      .limit(limit);
  }
}
