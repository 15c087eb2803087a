import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import type { FingerprintInput } from '../../../shared/schemas/index.js';
import type { Database } from '../db/database.js';
import { audioFiles, outdatedFingerprint } from '../db/schema.js';
import type { FingerprintColumns } from './fingerprint-columns.js';

/** A library file whose fingerprint is of an earlier version than the analysis now makes. */
export interface OutdatedFile {
  id: string;
  ownerId: string;
  contentHash: string;
  objectKey: string;
  originalPath: string;
  fingerprint: FingerprintInput;
}

/**
 * Rows holding a fingerprint older than the analysis now makes (before version 2, of version 2
 * stored before it carried the decay's end, `tail`, which keeps edits of a hit apart, or before
 * its bands were computed without DC, `dcRemoved`, or before it held its energy above 4.8 kHz,
 * `high`, or of a possibly lossless file before `lossless`): the predicate of the partial index
 * `audio_files_fp_outdated_idx` (schema.ts), so that it applies.
 */
const outdated = sql`(${outdatedFingerprint(audioFiles)})`;

/** The library files whose fingerprints are re-made from their stored bytes. */
export class RefingerprintRepository {
  constructor(private readonly db: Database) {}

  /** How many files (of `ownerId`, or of every user) hold an outdated fingerprint. */
  async countOutdated(ownerId?: string): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(audioFiles)
      .where(ownerId ? and(outdated, eq(audioFiles.ownerId, ownerId)) : outdated);
    return rows[0]?.n ?? 0;
  }

  /** Up to `limit` files with an outdated fingerprint, in id order, after `afterId`. */
  async outdatedAfter(afterId: string | null, limit: number): Promise<OutdatedFile[]> {
    const rows = await this.db
      .select({
        id: audioFiles.id,
        ownerId: audioFiles.ownerId,
        contentHash: audioFiles.contentHash,
        objectKey: audioFiles.objectKey,
        originalPath: audioFiles.originalPath,
        fingerprint: audioFiles.fingerprint,
      })
      .from(audioFiles)
      .where(afterId ? and(outdated, gt(audioFiles.id, afterId)) : outdated)
      .orderBy(asc(audioFiles.id))
      .limit(limit);
    return rows.flatMap((r) => (r.fingerprint ? [{ ...r, fingerprint: r.fingerprint }] : []));
  }

  /**
   * Gives `file` its new fingerprint columns if it still holds the bytes and the fingerprint it
   * was read with (a replaced or deleted file is left alone), under its owner's lock, so that a
   * commit running meanwhile sees the file before or after, never in between. `updated_at`
   * moves: a commit compares its entry with the files changed since its ingest, which now
   * include this one. Returns whether the row was changed.
   */
  async setFingerprint(file: OutdatedFile, columns: FingerprintColumns): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The lock of UnitOfWork.forUser (db/unit-of-work.ts).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${file.ownerId}, 0))`);
      const rows = await tx
        .update(audioFiles)
        .set({ ...columns, updatedAt: new Date() })
        .where(
          and(
            eq(audioFiles.id, file.id),
            eq(audioFiles.contentHash, file.contentHash),
            sql`${audioFiles.fingerprint} = ${JSON.stringify(file.fingerprint)}::jsonb`,
          ),
        )
        .returning({ id: audioFiles.id });
      return rows.length > 0;
    });
  }
}
