import { and, arrayOverlaps, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { importEntries } from '../db/schema.js';
import type { EntryState, FingerprintInput } from '../../../shared/schemas/index.js';
import type { CandidateSummary, LoadedSound } from '../library/sound-match.js';
import { SOUND_CANDIDATE_POOL } from '../../../shared/analysis/index.js';
import { durationMayMatch, mostSharedKeysFirst } from '../library/duration-filter.js';

export type EntryRow = typeof importEntries.$inferSelect;
export type NewEntryRow = typeof importEntries.$inferInsert;

/** A job's entry loaded whole for a same-sound comparison. */
export interface EntrySound extends LoadedSound {
  path: string;
  /** Its library file, once stored. */
  assetId: string | null;
}

/** States whose entry stands for a sound of the job (a later one like it is a duplicate). */
const LIVE_STATES: EntryState[] = ['pending_upload', 'uploading', 'done'];

/** The entries of import jobs. */
export class ImportEntryRepository {
  constructor(private readonly db: Database) {}

  async findByPaths(jobId: string, paths: string[]): Promise<EntryRow[]> {
    if (paths.length === 0) return [];
    return this.db
      .select()
      .from(importEntries)
      .where(and(eq(importEntries.jobId, jobId), inArray(importEntries.path, paths)));
  }

  async findLiveByHashes(jobId: string, hashes: string[]): Promise<EntryRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .select()
      .from(importEntries)
      .where(
        and(
          eq(importEntries.jobId, jobId),
          inArray(importEntries.contentHash, hashes),
          inArray(importEntries.state, LIVE_STATES),
        ),
      );
  }

  /**
   * Live entries of the job that could be the same sound as `fp` or a similar one: sharing an
   * index key with `keys` and of a duration within reach.
   */
  async findLiveSoundCandidates(
    jobId: string,
    fp: FingerprintInput,
    keys: string[],
  ): Promise<CandidateSummary[]> {
    if (keys.length === 0) return [];
    return this.db
      .select({
        id: importEntries.id,
        durationMs: importEntries.fpDurationMs,
        edgeMs: importEntries.fpEdgeMs,
        profile: importEntries.fpProfile,
      })
      .from(importEntries)
      .where(
        and(
          eq(importEntries.jobId, jobId),
          arrayOverlaps(importEntries.fingerprintKeys, keys),
          inArray(importEntries.state, LIVE_STATES),
          durationMayMatch(importEntries.fpDurationMs, importEntries.fpEdgeMs, fp),
        ),
      )
      .orderBy(mostSharedKeysFirst(importEntries.fingerprintKeys, keys))
      .limit(SOUND_CANDIDATE_POOL);
  }

  /**
   * These entries loaded whole for a comparison: their fingerprints, paths and, once stored,
   * their files (`assetId`).
   */
  async soundsOf(ids: string[]): Promise<Map<string, EntrySound>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({
        id: importEntries.id,
        fingerprint: importEntries.fingerprint,
        path: importEntries.path,
        assetId: importEntries.assetId,
      })
      .from(importEntries)
      .where(inArray(importEntries.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Gives an entry the content of a changed file (and the decision made for it). */
  async replaceContent(entryId: string, row: NewEntryRow): Promise<EntryRow> {
    const { id, jobId, ownerId, path, ...content } = row;
    return this.update(entryId, content);
  }

  /** Inserts the rows (in chunks that stay within the protocol's parameter limit). */
  async insertMany(rows: NewEntryRow[]): Promise<EntryRow[]> {
    const inserted: EntryRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      inserted.push(
        ...(await this.db
          .insert(importEntries)
          .values(rows.slice(i, i + 500))
          .returning()),
      );
    }
    return inserted;
  }

  async findOwned(ownerId: string, entryId: string): Promise<EntryRow | null> {
    const rows = await this.db
      .select()
      .from(importEntries)
      .where(and(eq(importEntries.id, entryId), eq(importEntries.ownerId, ownerId)));
    return rows[0] ?? null;
  }

  /** The user's uploads in progress but `exceptEntryId`'s: how many, and their bytes. */
  async uploadsInProgress(
    ownerId: string,
    exceptEntryId: string,
  ): Promise<{ count: number; bytes: number }> {
    const rows = await this.db
      .select({
        count: sql<number>`count(*)::int`,
        bytes: sql<string>`coalesce(sum(${importEntries.sizeBytes}), 0)`,
      })
      .from(importEntries)
      .where(
        and(
          eq(importEntries.ownerId, ownerId),
          eq(importEntries.state, 'uploading'),
          ne(importEntries.id, exceptEntryId),
        ),
      );
    return { count: Number(rows[0]?.count ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async findByUploadId(uploadId: string): Promise<EntryRow | null> {
    const rows = await this.db
      .select()
      .from(importEntries)
      .where(eq(importEntries.uploadId, uploadId));
    return rows[0] ?? null;
  }

  /** Locks the entry's row for the rest of the transaction and returns it. */
  async lock(entryId: string): Promise<EntryRow | null> {
    const rows = await this.db
      .select()
      .from(importEntries)
      .where(eq(importEntries.id, entryId))
      .for('update');
    return rows[0] ?? null;
  }

  async update(
    entryId: string,
    patch: Partial<Omit<EntryRow, 'id' | 'jobId' | 'ownerId' | 'createdAt'>>,
  ): Promise<EntryRow> {
    const rows = await this.db
      .update(importEntries)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(importEntries.id, entryId))
      .returning();
    return rows[0]!;
  }

  /** Moves every entry of the job in one of `from` to `to`; returns the entries moved. */
  async moveStates(
    jobId: string,
    from: EntryState[],
    to: EntryState,
    extra: { retryableOnly?: boolean } = {},
  ): Promise<EntryRow[]> {
    const conditions = [eq(importEntries.jobId, jobId), inArray(importEntries.state, from)];
    if (extra.retryableOnly) conditions.push(eq(importEntries.retryable, true));
    return this.db
      .update(importEntries)
      .set({ state: to, reason: null, updatedAt: sql`now()` })
      .where(and(...conditions))
      .returning();
  }

  /** Failed entries of the job, oldest first, for its error list. */
  async failures(jobId: string, limit: number): Promise<{ path: string; reason: string }[]> {
    const rows = await this.db
      .select({ path: importEntries.path, reason: importEntries.reason })
      .from(importEntries)
      .where(and(eq(importEntries.jobId, jobId), eq(importEntries.state, 'failed')))
      .orderBy(importEntries.seq)
      .limit(limit);
    return rows.map((r) => ({ path: r.path, reason: r.reason ?? 'failed' }));
  }

  /** Entries of the job except those in `state`, for a reconnecting client's first picture. */
  async listForJob(jobId: string): Promise<EntryRow[]> {
    return this.db
      .select()
      .from(importEntries)
      .where(eq(importEntries.jobId, jobId))
      .orderBy(importEntries.seq);
  }

  /**
   * Entries left `uploading` since before `before` (their upload expired or its client went
   * away) go back to waiting for an upload; returns them.
   */
  async releaseStaleUploads(before: Date): Promise<EntryRow[]> {
    return this.db
      .update(importEntries)
      .set({ state: 'pending_upload', uploadId: null, updatedAt: sql`now()` })
      .where(and(eq(importEntries.state, 'uploading'), lt(importEntries.updatedAt, before)))
      .returning();
  }
}
