import { and, arrayOverlaps, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { audioFiles } from '../db/schema.js';

export type AudioFileRow = typeof audioFiles.$inferSelect;
export type NewAudioFileRow = typeof audioFiles.$inferInsert;

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

  /** The owner's files sharing an index key with `keys`: candidates of the same sound. */
  async findByFingerprintKeys(ownerId: string, keys: string[]): Promise<AudioFileRow[]> {
    if (keys.length === 0) return [];
    return this.db
      .select()
      .from(audioFiles)
      .where(and(eq(audioFiles.ownerId, ownerId), arrayOverlaps(audioFiles.fingerprintKeys, keys)));
  }

  async findOwned(ownerId: string, id: string): Promise<AudioFileRow | null> {
    const rows = await this.db
      .select()
      .from(audioFiles)
      .where(and(eq(audioFiles.id, id), eq(audioFiles.ownerId, ownerId)));
    return rows[0] ?? null;
  }

  async listOwned(ownerId: string, limit: number, offset: number): Promise<AudioFileRow[]> {
    return this.db
      .select()
      .from(audioFiles)
      .where(eq(audioFiles.ownerId, ownerId))
      .orderBy(desc(audioFiles.createdAt), audioFiles.id)
      .limit(limit)
      .offset(offset);
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
