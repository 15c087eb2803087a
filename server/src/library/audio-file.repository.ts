import { and, arrayOverlaps, count, eq, gte, inArray } from 'drizzle-orm';
import type { CandidateSummary, LoadedSound } from './sound-match.js';
import type { FingerprintInput, LibraryListInput } from '../../../shared/schemas/index.js';
import {
  durationsMayBeSimilar,
  SOUND_CANDIDATE_POOL,
  SoundKeyIndex,
} from '../../../shared/analysis/index.js';
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

/** One sound looked up among the library's: its fingerprint and its index keys. */
export interface SoundLookup {
  fingerprint: FingerprintInput;
  keys: string[];
}

/**
 * Library rows one request of many lookups reads at once, at most: ~0.5 KB each (keys and
 * long-term spectrum), so 8 MB. Beyond, each lookup asks the database on its own.
 */
const SHARED_CANDIDATE_ROWS = 16_384;

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

  /**
   * {@link findSoundCandidates} for many sounds at once (the items of one preflight request):
   * the owner's files sharing a key with any of them read in one query, then pooled per lookup
   * in memory by the same rule (most shared keys first, a duration within reach). The items of
   * one request mostly meet the same files (a folder of one kit's hits): one query reads each
   * once, where a query per item read and ranked them again each time (on PGlite, 1.4 ms an
   * item among 2,000 crowded files). When more files than the lookups' pools could hold share
   * their keys (at most SHARED_CANDIDATE_ROWS), each lookup asks the database on its own.
   */
  async findSoundCandidatesOfMany(
    ownerId: string,
    lookups: readonly SoundLookup[],
  ): Promise<CandidateSummary[][]> {
    const eachAlone = async () => {
      const pools: CandidateSummary[][] = [];
      for (const { fingerprint, keys } of lookups) {
        pools.push(await this.findSoundCandidates(ownerId, fingerprint, keys));
      }
      return pools;
    };
    const keys = [...new Set(lookups.flatMap((l) => l.keys))];
    if (lookups.length < 2 || keys.length === 0) return eachAlone();
    const limit = Math.min(SHARED_CANDIDATE_ROWS, lookups.length * SOUND_CANDIDATE_POOL);
    const rows = await this.db
      .select({
        id: audioFiles.id,
        keys: audioFiles.fingerprintKeys,
        durationMs: audioFiles.fpDurationMs,
        edgeMs: audioFiles.fpEdgeMs,
        profile: audioFiles.fpProfile,
      })
      .from(audioFiles)
      .where(and(eq(audioFiles.ownerId, ownerId), arrayOverlaps(audioFiles.fingerprintKeys, keys)))
      .limit(limit + 1);
    if (rows.length > limit) return eachAlone();
    const index = new SoundKeyIndex<(typeof rows)[number]>();
    for (const row of rows) index.add(row, row.keys ?? []);
    return lookups.map(({ fingerprint, keys }) =>
      index
        .pool(
          keys,
          (row) =>
            row.durationMs !== null &&
            row.edgeMs !== null &&
            durationsMayBeSimilar({ durationMs: row.durationMs, edgeMs: row.edgeMs }, fingerprint),
        )
        .map(({ id, durationMs, edgeMs, profile }) => ({ id, durationMs, edgeMs, profile })),
    );
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
  async listPage(
    ownerId: string,
    input: LibraryListInput & LibraryFilters,
  ): Promise<AudioFileRow[]> {
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
