import { and, arrayOverlaps, count, eq, gte, inArray } from 'drizzle-orm';
import type { CandidateSummary, LoadedSound } from './sound-match.js';
import type { FingerprintInput, LibraryListInput } from '../../../shared/schemas/index.js';
import { SOUND_CANDIDATE_POOL } from '../../../shared/analysis/index.js';
import { durationMayMatch, mostSharedKeysFirst } from './duration-filter.js';
import type { Database } from '../db/database.js';
import { audioFiles } from '../db/schema.js';
import { libraryOrder, libraryWhere, type LibraryFilters } from './library-filters.js';

export type AudioFileRow = typeof audioFiles.$inferSelect;
export type NewAudioFileRow = typeof audioFiles.$inferInsert;

/** A library file loaded whole for a same-sound comparison, and what a match reports of it. */
export interface LibrarySound extends LoadedSound {
  originalPath: string;
  objectKey: string;
  sizeBytes: number;
  /** The job that stored it (or last replaced it). */
  jobId: string | null;
}

/** The per-user library: one row per sound, unique on (owner, content hash). */
export class AudioFileRepository {
  constructor(private readonly db: Database) {}

  async findByHashes(ownerId: string, hashes: string[]): Promise<AudioFileRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .select()
      .from(audioFiles)
      .where(and(eq(audioFiles.ownerId, ownerId), inArray(audioFiles.contentHash, hashes)));
  }

  /**
   * The owner's files that could be the same sound as `fp` or a similar one: sharing an index
   * key with `keys` and of a duration within reach; only those changed since `since` when given.
   */
  async findSoundCandidates(
    ownerId: string,
    fp: FingerprintInput,
    keys: string[],
    since?: Date,
  ): Promise<CandidateSummary[]> {
    if (keys.length === 0) return [];
    const conditions = [
      eq(audioFiles.ownerId, ownerId),
      arrayOverlaps(audioFiles.fingerprintKeys, keys),
      durationMayMatch(audioFiles.fpDurationMs, audioFiles.fpEdgeMs, fp),
    ];
    if (since) conditions.push(gte(audioFiles.updatedAt, since));
    return this.db
      .select({
        id: audioFiles.id,
        durationMs: audioFiles.fpDurationMs,
        edgeMs: audioFiles.fpEdgeMs,
        profile: audioFiles.fpProfile,
      })
      .from(audioFiles)
      .where(and(...conditions))
      .orderBy(mostSharedKeysFirst(audioFiles.fingerprintKeys, keys))
      .limit(SOUND_CANDIDATE_POOL);
  }

  /** These files loaded whole for a comparison (their fingerprints and what a match reports). */
  async soundsOf(ids: string[]): Promise<Map<string, LibrarySound>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({
        id: audioFiles.id,
        fingerprint: audioFiles.fingerprint,
        originalPath: audioFiles.originalPath,
        objectKey: audioFiles.objectKey,
        sizeBytes: audioFiles.sizeBytes,
        jobId: audioFiles.jobId,
      })
      .from(audioFiles)
      .where(inArray(audioFiles.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  }

  async findOwned(ownerId: string, id: string): Promise<AudioFileRow | null> {
    const rows = await this.db
      .select()
      .from(audioFiles)
      .where(and(eq(audioFiles.id, id), eq(audioFiles.ownerId, ownerId)));
    return rows[0] ?? null;
  }

  /** One page of the owner's files that pass the input's filters, in its order. */
  async listPage(ownerId: string, input: LibraryListInput): Promise<AudioFileRow[]> {
    return this.db
      .select()
      .from(audioFiles)
      .where(libraryWhere(ownerId, input))
      .orderBy(...libraryOrder(input.sort))
      .limit(input.limit)
      .offset(input.offset);
  }

  /** How many of the owner's files pass `filters`. */
  async countMatching(ownerId: string, filters: LibraryFilters): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(audioFiles)
      .where(libraryWhere(ownerId, filters));
    return rows[0]?.n ?? 0;
  }

  async insert(row: NewAudioFileRow): Promise<AudioFileRow> {
    const rows = await this.db.insert(audioFiles).values(row).returning();
    return rows[0]!;
  }

  async replace(id: string, row: Omit<NewAudioFileRow, 'ownerId'>): Promise<AudioFileRow> {
    const rows = await this.db
      .update(audioFiles)
      .set({ ...row, updatedAt: new Date() })
      .where(eq(audioFiles.id, id))
      .returning();
    return rows[0]!;
  }
}
