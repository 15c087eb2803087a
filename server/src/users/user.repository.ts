import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { apiTokens, audioFiles, users } from '../db/schema.js';

export type UserRow = typeof users.$inferSelect;

/** Users and their API tokens (stored hashed). */
export class UserRepository {
  constructor(private readonly db: Database) {}

  async create(input: {
    name: string;
    quotaBytes: number | null;
    quotaFiles: number | null;
  }): Promise<UserRow | null> {
    const rows = await this.db
      .insert(users)
      .values(input)
      .onConflictDoNothing({ target: users.name })
      .returning();
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<UserRow | null> {
    const rows = await this.db.select().from(users).where(eq(users.id, id));
    return rows[0] ?? null;
  }

  async findByName(name: string): Promise<UserRow | null> {
    const rows = await this.db.select().from(users).where(eq(users.name, name));
    return rows[0] ?? null;
  }

  async addToken(userId: string, name: string, tokenHash: string): Promise<void> {
    await this.db.insert(apiTokens).values({ userId, name, tokenHash });
  }

  /** Deletes the user's tokens of that name (label); returns the hashes of those deleted. */
  async deleteTokensNamed(userId: string, name: string): Promise<string[]> {
    const rows = await this.db
      .delete(apiTokens)
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.name, name)))
      .returning({ tokenHash: apiTokens.tokenHash });
    return rows.map((r) => r.tokenHash);
  }

  /** Deletes every token of the user; returns the hashes of those deleted. */
  async deleteAllTokens(userId: string): Promise<string[]> {
    const rows = await this.db
      .delete(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .returning({ tokenHash: apiTokens.tokenHash });
    return rows.map((r) => r.tokenHash);
  }

  /** Deletes the token of that hash; returns whether there was one. */
  async deleteTokenByHash(tokenHash: string): Promise<boolean> {
    const rows = await this.db
      .delete(apiTokens)
      .where(eq(apiTokens.tokenHash, tokenHash))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }

  /** The user's tokens' names (labels) and creation times, oldest first; never their hashes. */
  async listTokens(userId: string): Promise<{ name: string; createdAt: Date }[]> {
    return this.db
      .select({ name: apiTokens.name, createdAt: apiTokens.createdAt })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .orderBy(apiTokens.createdAt, apiTokens.name);
  }

  async findByTokenHash(tokenHash: string): Promise<UserRow | null> {
    const rows = await this.db
      .select({ user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, tokenHash));
    return rows[0]?.user ?? null;
  }

  /** Bytes and files the user's library holds now. */
  async usage(userId: string): Promise<{ bytes: number; files: number }> {
    const rows = await this.db
      .select({
        bytes: sql<string>`coalesce(sum(${audioFiles.sizeBytes}), 0)`,
        files: sql<number>`count(*)::int`,
      })
      .from(audioFiles)
      .where(eq(audioFiles.ownerId, userId));
    return { bytes: Number(rows[0]?.bytes ?? 0), files: Number(rows[0]?.files ?? 0) };
  }
}
