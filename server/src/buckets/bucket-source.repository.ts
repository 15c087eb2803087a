import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { ExcludedFile } from '../../../shared/files/index.js';
import { MAX_EXCLUDED_SAMPLE, type BucketListing } from '../../../shared/schemas/index.js';
import type { Database } from '../db/database.js';
import { bucketObjectAnalyses, bucketObjects, bucketSources } from '../db/schema.js';
import type { ListedObject } from './bucket-reader.js';

export type BucketSourceRow = typeof bucketSources.$inferSelect;

/** One version of one object of a user's store: where it is and its ETag. */
export interface ObjectVersion {
  ownerId: string;
  /** The store's origin; '' for AWS. */
  endpoint: string;
  bucket: string;
  key: string;
  etag: string;
}
export type NewBucketSourceRow = typeof bucketSources.$inferInsert;

/** The bucket sources of import jobs and the objects listed from them. */
export class BucketSourceRepository {
  constructor(private readonly db: Database) {}

  /** Records a job's source; false when the job has one already. */
  async create(row: NewBucketSourceRow): Promise<boolean> {
    const made = await this.db
      .insert(bucketSources)
      .values(row)
      .onConflictDoNothing()
      .returning({ jobId: bucketSources.jobId });
    return made.length > 0;
  }

  async find(jobId: string): Promise<BucketSourceRow | null> {
    const [row] = await this.db.select().from(bucketSources).where(eq(bucketSources.jobId, jobId));
    return row ?? null;
  }

  /**
   * Records a listed page and where the next one starts, in one transaction: a lister that
   * dies lists again from the last page it recorded (objects seen twice are kept once). The
   * page's excluded objects are counted, and the first MAX_EXCLUDED_SAMPLE of the listing kept.
   * `from` is the token the page was listed from: a page whose listing was recorded already
   * (the listing moved past `from`, another lister of the same job was first) changes nothing,
   * so that no count takes a page twice. False then.
   */
  async recordPage(
    jobId: string,
    from: string | null,
    page: { objects: ListedObject[]; excluded: ExcludedFile[]; next: string | null },
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [now] = await tx
        .select({
          nextToken: bucketSources.nextToken,
          listingDone: bucketSources.listingDone,
          sample: bucketSources.excludedSample,
        })
        .from(bucketSources)
        .where(eq(bucketSources.jobId, jobId))
        .for('update');
      if (!now || now.listingDone || now.nextToken !== from) return false;
      const { objects, excluded, next } = page;
      const added =
        objects.length === 0
          ? []
          : await tx
              .insert(bucketObjects)
              .values(objects.map((o) => ({ jobId, ...o })))
              .onConflictDoNothing()
              .returning({ key: bucketObjects.key });
      const room = MAX_EXCLUDED_SAMPLE - now.sample.length;
      await tx
        .update(bucketSources)
        .set({
          nextToken: next,
          listingDone: next === null,
          listed: sql`${bucketSources.listed} + ${added.length}`,
          ...(excluded.length > 0
            ? {
                excluded: sql`${bucketSources.excluded} + ${excluded.length}`,
                ...(room > 0
                  ? { excludedSample: [...now.sample, ...excluded.slice(0, room)] }
                  : {}),
              }
            : {}),
        })
        .where(eq(bucketSources.jobId, jobId));
      return true;
    });
  }

  /** The listing of each of these jobs that imports a bucket, by job id. */
  async listings(jobIds: string[]): Promise<Map<string, BucketListing>> {
    if (jobIds.length === 0) return new Map();
    const rows = await this.db
      .select({
        jobId: bucketSources.jobId,
        listed: bucketSources.listed,
        listingDone: bucketSources.listingDone,
        excluded: bucketSources.excluded,
        sample: bucketSources.excludedSample,
      })
      .from(bucketSources)
      .where(inArray(bucketSources.jobId, jobIds));
    return new Map(
      rows.map((r) => [
        r.jobId,
        {
          listed: r.listed,
          listing_done: r.listingDone,
          excluded: r.excluded,
          excluded_sample: r.sample,
        },
      ]),
    );
  }

  /** Marks an object taken; false when it was taken already (a job run twice by the queue). */
  async take(jobId: string, key: string): Promise<boolean> {
    const taken = await this.db
      .update(bucketObjects)
      .set({ taken: true })
      .where(
        and(
          eq(bucketObjects.jobId, jobId),
          eq(bucketObjects.key, key),
          eq(bucketObjects.taken, false),
        ),
      )
      .returning({ key: bucketObjects.key });
    return taken.length > 0;
  }

  /** Listed objects not yet taken. */
  async waiting(jobId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(bucketObjects)
      .where(and(eq(bucketObjects.jobId, jobId), eq(bucketObjects.taken, false)));
    return row?.n ?? 0;
  }

  /** Keys of objects not yet taken, after `after` in key order: the next `limit`. */
  async waitingKeys(jobId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ key: bucketObjects.key })
      .from(bucketObjects)
      .where(
        and(
          eq(bucketObjects.jobId, jobId),
          eq(bucketObjects.taken, false),
          gt(bucketObjects.key, after),
        ),
      )
      .orderBy(asc(bucketObjects.key))
      .limit(limit);
    return rows.map((r) => r.key);
  }

  /** The object as listed, while it waits to be taken; null once taken (or never listed). */
  async waitingObject(jobId: string, key: string): Promise<ListedObject | null> {
    const [row] = await this.db
      .select()
      .from(bucketObjects)
      .where(and(eq(bucketObjects.jobId, jobId), eq(bucketObjects.key, key)));
    return row && !row.taken ? { key: row.key, sizeBytes: row.sizeBytes, etag: row.etag } : null;
  }

  /** Forgets the job's credentials (it ended, or was cancelled). */
  async forgetCredentials(jobId: string): Promise<void> {
    await this.db
      .update(bucketSources)
      .set({ credentials: null })
      .where(eq(bucketSources.jobId, jobId));
  }

  /**
   * What this version of the object was found to hold when last fetched: its manifest entry
   * without a path, null when it is not audio; undefined when it was never fetched.
   */
  async knownAnalysis(version: ObjectVersion): Promise<Record<string, unknown> | null | undefined> {
    const [row] = await this.db
      .select({ entry: bucketObjectAnalyses.entry })
      .from(bucketObjectAnalyses)
      .where(
        and(
          eq(bucketObjectAnalyses.ownerId, version.ownerId),
          eq(bucketObjectAnalyses.endpoint, version.endpoint),
          eq(bucketObjectAnalyses.bucket, version.bucket),
          eq(bucketObjectAnalyses.key, version.key),
          eq(bucketObjectAnalyses.etag, version.etag),
        ),
      );
    return row ? row.entry : undefined;
  }

  /** Records what this version of the object holds (see knownAnalysis). */
  async rememberAnalysis(
    version: ObjectVersion,
    entry: Record<string, unknown> | null,
  ): Promise<void> {
    await this.db
      .insert(bucketObjectAnalyses)
      .values({ ...version, entry })
      .onConflictDoUpdate({
        target: [
          bucketObjectAnalyses.ownerId,
          bucketObjectAnalyses.endpoint,
          bucketObjectAnalyses.bucket,
          bucketObjectAnalyses.key,
          bucketObjectAnalyses.etag,
        ],
        set: { entry, analysedAt: new Date() },
      });
  }
}
