import { and, asc, eq, gt, inArray, isNotNull, isNull, ne, notLike, or } from 'drizzle-orm';
import type { FingerprintInput } from '../../../shared/schemas/index.js';
import type { Database } from '../db/database.js';
import { audioFiles } from '../db/schema.js';
import type { SimilarAssetRow } from './similar-link.repository.js';
import { TIMBRE_TEXT_PREFIX, timbreOfText, type TimbreColumns } from './timbre-columns.js';

/** A library file's timbre vector, as a similar-sounds query ranks it. */
export interface TimbreCandidate {
  id: string;
  timbre: Float32Array;
}

/** What a similar-sounds answer shows of a file (its similarity aside). */
export type TimbreListing = Omit<SimilarAssetRow, 'similarity'>;

/**
 * A file whose timbre vector is still to be computed from its stored fingerprint: it has none,
 * or one of an earlier release's TIMBRE_VERSION.
 */
export interface TimbreMissingRow {
  id: string;
  fingerprint: FingerprintInput;
}

// Only the id and the vector: a query reads thousands of rows and lists a few (listingsOf).
const candidateFields = { id: audioFiles.id, timbre: audioFiles.timbre };

/** No timbre vector of this release: none, or one stored by an earlier release. */
const outdatedTimbre = or(
  isNull(audioFiles.timbre),
  notLike(audioFiles.timbre, `${TIMBRE_TEXT_PREFIX}%`),
);

/** Library files by timbre: the rows of index cells, and the backfill of vectors. */
export class TimbreRepository {
  constructor(private readonly db: Database) {}

  /**
   * The owner's files with a timbre vector, except `exceptId`: those in one of `cells` (index
   * `audio_files_owner_timbre_cell_idx`), or every one (`'all'`: the exact reference of the
   * bench and the tests).
   */
  async candidates(
    ownerId: string,
    exceptId: string,
    cells: number[] | 'all',
  ): Promise<TimbreCandidate[]> {
    if (cells !== 'all' && cells.length === 0) return [];
    const rows = await this.db
      .select(candidateFields)
      .from(audioFiles)
      .where(
        and(
          eq(audioFiles.ownerId, ownerId),
          cells === 'all' ? isNotNull(audioFiles.timbre) : inArray(audioFiles.timbreCell, cells),
          ne(audioFiles.id, exceptId),
        ),
      );
    return withVectors(rows);
  }

  /** What the answer shows of these files, by id. */
  async listingsOf(ids: string[]): Promise<Map<string, TimbreListing>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({
        id: audioFiles.id,
        originalPath: audioFiles.originalPath,
        kind: audioFiles.kind,
        durationS: audioFiles.durationS,
      })
      .from(audioFiles)
      .where(inArray(audioFiles.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Up to `limit` files (of every owner) with a fingerprint and no timbre vector of this release,
   * in id order.
   */
  async missingAfter(afterId: string | null, limit: number): Promise<TimbreMissingRow[]> {
    const missing = and(outdatedTimbre, isNotNull(audioFiles.fingerprint));
    const rows = await this.db
      .select({ id: audioFiles.id, fingerprint: audioFiles.fingerprint })
      .from(audioFiles)
      .where(afterId ? and(missing, gt(audioFiles.id, afterId)) : missing)
      .orderBy(asc(audioFiles.id))
      .limit(limit);
    return rows.flatMap((r) => (r.fingerprint ? [{ id: r.id, fingerprint: r.fingerprint }] : []));
  }

  /**
   * Stores a file's timbre columns if it still has none of this release (a file re-fingerprinted
   * or replaced meanwhile got its own). `updated_at` stays: the sound did not change.
   */
  async fill(id: string, columns: TimbreColumns): Promise<void> {
    await this.db
      .update(audioFiles)
      .set({ timbre: columns.timbre, timbreCell: columns.timbreCell })
      .where(and(eq(audioFiles.id, id), outdatedTimbre));
  }
}

/** The rows with a vector of this release (one of an earlier release waits for the backfill). */
function withVectors(rows: { id: string; timbre: string | null }[]): TimbreCandidate[] {
  return rows.flatMap((r) => {
    const timbre = r.timbre ? timbreOfText(r.timbre) : null;
    return timbre ? [{ id: r.id, timbre }] : [];
  });
}
