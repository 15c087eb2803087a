import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import {
  importEntries,
  importEntrySimilar,
  importJobs,
  type JobErrorLogItem,
} from '../db/schema.js';
import type { JobStatus, OnDuplicate } from '../../../shared/schemas/index.js';

export type JobRow = typeof importJobs.$inferSelect;

/** Text as PostgreSQL can store it: NUL characters become U+FFFD. */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

/** Most refused manifest items a job's error log keeps. */
export const ERROR_LOG_LIMIT = 1000;

/** Import jobs; every read is scoped to the owner, so another user's job is simply not found. */
export class ImportJobRepository {
  constructor(private readonly db: Database) {}

  async create(input: {
    ownerId: string;
    source: string | null;
    onDuplicate: OnDuplicate;
  }): Promise<JobRow> {
    const rows = await this.db.insert(importJobs).values(input).returning();
    return rows[0]!;
  }

  async findOwned(ownerId: string, jobId: string): Promise<JobRow | null> {
    const rows = await this.db
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.id, jobId), eq(importJobs.ownerId, ownerId)));
    return rows[0] ?? null;
  }

  async listOwned(ownerId: string, limit: number): Promise<JobRow[]> {
    return this.db
      .select()
      .from(importJobs)
      .where(eq(importJobs.ownerId, ownerId))
      .orderBy(desc(importJobs.createdAt))
      .limit(limit);
  }

  async update(
    jobId: string,
    patch: Partial<Pick<JobRow, 'status' | 'manifestClosed'>>,
  ): Promise<void> {
    await this.db
      .update(importJobs)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(importJobs.id, jobId));
  }

  /** Adds refused manifest items to the job's error log (NUL characters, which PostgreSQL text cannot hold, shown as U+FFFD). */
  async appendErrors(jobId: string, logged: JobErrorLogItem[]): Promise<void> {
    if (logged.length === 0) return;
    const items = logged.map((i) => ({ ...i, path: storable(i.path), reason: storable(i.reason) }));
    await this.db
      .update(importJobs)
      .set({
        errorLog: sql`(select coalesce(jsonb_agg(e), '[]'::jsonb) from (
            select e from jsonb_array_elements(${importJobs.errorLog} || ${JSON.stringify(items)}::jsonb) e
            offset greatest(jsonb_array_length(${importJobs.errorLog}) + ${items.length} - ${ERROR_LOG_LIMIT}, 0)
          ) t)`,
        updatedAt: sql`now()`,
      })
      .where(eq(importJobs.id, jobId));
  }

  /**
   * Recounts the job's entries by state (and the kept ones with similar links) into its
   * counters, moves a job whose manifest is closed and whose entries have all ended to
   * completed (or failed, when every one failed), and returns the job as it now is.
   */
  async refresh(jobId: string): Promise<JobRow> {
    const count = (state: string) =>
      sql`(select count(*)::int from ${importEntries} where ${importEntries.jobId} = ${jobId} and ${importEntries.state} = ${state})`;
    const rows = await this.db
      .update(importJobs)
      .set({
        queued: count('pending_upload'),
        processing: count('uploading'),
        completed: count('done'),
        duplicates: count('duplicate'),
        failed: count('failed'),
        similar: sql`(select count(*)::int from ${importEntries} where ${importEntries.jobId} = ${jobId}
          and ${importEntries.state} in ('pending_upload', 'uploading', 'done')
          and exists (select 1 from ${importEntrySimilar} where ${importEntrySimilar.entryId} = ${importEntries.id}))`,
        updatedAt: sql`now()`,
      })
      .where(eq(importJobs.id, jobId))
      .returning();
    let job = rows[0]!;
    const settled =
      job.manifestClosed &&
      job.queued === 0 &&
      job.processing === 0 &&
      (job.status === 'queued' || job.status === 'running');
    if (settled) {
      const allFailed = job.failed > 0 && job.completed === 0 && job.duplicates === 0;
      const status: JobStatus = allFailed ? 'failed' : 'completed';
      const updated = await this.db
        .update(importJobs)
        .set({ status })
        .where(eq(importJobs.id, jobId))
        .returning();
      job = updated[0]!;
    }
    return job;
  }
}
