import {
  MAX_ENTRIES_PER_INGEST,
  ingestRequestSchema,
  initRequestSchema,
  type BucketListing,
  manifestEntrySchema,
  type IngestItem,
  type IngestResponse,
  type JobStatusResponse,
  type ManifestEntry,
  type RetryResponse,
  type S3Source,
} from '../../../shared/schemas/index.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { Repositories, UnitOfWork } from '../db/unit-of-work.js';
import type { JobErrorLogItem } from '../db/schema.js';
import {
  badRequest,
  conflict,
  notFound,
  notImplemented,
  payloadTooLarge,
  tooManyRequests,
} from '../errors.js';
import { describeRate, type RateLimiter } from '../http/rate-limit.js';
import type { EventBus } from '../events/event-bus.js';
import { BatchDeduper } from './batch-deduper.js';
import { describeIssues, parseOrThrow } from '../validation.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import type { EntryRow, NewEntryRow } from './import-entry.repository.js';
import type { JobRow } from './import-job.repository.js';
import { jobStatusView, loadUpdateEvent, updateEvent, type SimilarRefs } from './job-views.js';
import type { NewEntryLink } from '../library/similar-link.repository.js';

/** Most failures a status answer lists. */
const STATUS_ERROR_LIMIT = 1000;

/** What the job service asks of bucket imports: to start one, and to forget its credentials. */
export interface BucketStarter {
  start(user: AuthUser, jobId: string, source: S3Source): Promise<void>;
  forgetCredentials(jobId: string): Promise<void>;
}

/** Import jobs: start, take manifests, report, cancel, retry. */
export class ImportJobService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    /** New jobs per user (null: no limit). */
    private readonly jobStarts: RateLimiter | null = null,
  ) {}

  /** Who imports from a bucket when an ingest call names an S3 source (set once, at start). */
  private buckets: BucketStarter | null = null;

  useBuckets(buckets: BucketStarter): void {
    this.buckets = buckets;
  }

  /**
   * Starts a job for the user.
   * @throws AppError 400 malformed request, 429 when the user starts jobs faster than the limit.
   */
  async init(user: AuthUser, body: unknown): Promise<{ job_id: string }> {
    const input = parseOrThrow(initRequestSchema, body ?? {}, 'init request');
    const wait = this.jobStarts?.take(user.id) ?? 0;
    if (wait > 0) {
      throw tooManyRequests(
        `too many new import jobs (the limit is ${describeRate(this.jobStarts!.settings)} per user): ` +
          `try again in ${wait} s, or send more files to a job you started (ingest)`,
        wait,
      );
    }
    const job = await this.uow.repos.jobs.create({
      ownerId: user.id,
      source: input.source ?? null,
      onDuplicate: input.on_duplicate,
    });
    return { job_id: job.id };
  }

  async status(user: AuthUser, jobId: string): Promise<JobStatusResponse> {
    const job = await this.ownedJob(user, jobId);
    return this.view(this.uow.repos, job);
  }

  async list(user: AuthUser, limit = 50): Promise<JobStatusResponse[]> {
    const jobs = await this.uow.repos.jobs.listOwned(user.id, limit);
    const listings = await this.uow.repos.bucketSources.listings(jobs.map((job) => job.id));
    return Promise.all(jobs.map((job) => this.view(this.uow.repos, job, listings)));
  }

  /** The job and all its entries, for a client that (re)connects to the live updates. */
  async snapshot(user: AuthUser, jobId: string) {
    const job = await this.ownedJob(user, jobId);
    const entries = await this.uow.repos.entries.listForJob(job.id);
    return loadUpdateEvent(this.uow.repos, job, entries);
  }

  /**
   * Takes a batch of a job's manifest. Each entry is validated and answered on its own;
   * a path already sent with the same content is answered as before (idempotent), with
   * other content it is refused (409) unless it `supersedes` the content of an entry not yet
   * stored (a file that changed on disk), which then takes the new content. Entries are checked against earlier entries of the
   * job and the user's library: identical bytes or the same sound become `duplicate` (by the
   * job's or the entry's `on_duplicate`), the rest wait for their upload, each answered with
   * the sounds it is similar to (`similar_to`).
   * With an S3 `source` instead of entries, the server lists and imports the bucket itself
   * (BucketImportService) and answers with the job.
   * @throws AppError 400 malformed request, 404 job not the caller's, 409 job ended,
   *   413 too many entries, 422 a bucket the server cannot read.
   */
  async ingest(user: AuthUser, body: unknown): Promise<IngestResponse> {
    const request = parseOrThrow(ingestRequestSchema, body, 'ingest request');
    if (request.source) {
      if (request.entries !== undefined || request.last !== undefined) {
        throw badRequest('an ingest call takes "entries" or a "source", not both');
      }
      if (!this.buckets) throw notImplemented('this server does not import from buckets');
      await this.buckets.start(user, request.job_id, request.source.s3);
      const job = await this.ownedJob(user, request.job_id);
      return {
        job_id: job.id,
        accepted: 0,
        rejected: 0,
        items: [],
        job: await this.view(this.uow.repos, job),
      };
    }
    const raw = request.entries ?? [];
    if (raw.length > MAX_ENTRIES_PER_INGEST) {
      throw payloadTooLarge(
        `the manifest has ${raw.length} entries; send at most ${MAX_ENTRIES_PER_INGEST} per ingest call (several calls to the same job)`,
      );
    }
    const parsed = raw.map((entry, index) => {
      const result = manifestEntrySchema.safeParse(entry);
      return result.success
        ? { index, entry: result.data }
        : { index, invalid: describeIssues(result.error), path: pathOf(entry) };
    });

    const { job, items, changed, similar } = await this.uow.forUser(user.id, async (repos) => {
      const current = await repos.jobs.findOwned(user.id, request.job_id);
      if (!current) throw jobNotFound(request.job_id);
      if (current.status === 'cancelled') {
        throw conflict(`job ${current.id} was cancelled: start a new job with init`);
      }
      // Kept entries are answered once they are written, with what they are similar to.
      const items: (IngestItem | { index: number; entryId: string })[] = [];
      const rows: NewEntryRow[] = [];
      let links: NewEntryLink[] = [];
      const refused: JobErrorLogItem[] = [];
      const existing = new Map(
        (
          await repos.entries.findByPaths(
            current.id,
            parsed.flatMap((p) => (p.entry ? [p.entry.path] : [])),
          )
        ).map((e) => [e.path, e]),
      );
      if (current.manifestClosed) {
        // A batch sent again (its answer was lost) is answered as before; new files are not taken.
        const known = parsed.map((p) => {
          const before = p.entry ? existing.get(p.entry.path) : undefined;
          return before && sameContent(before, p.entry!) ? before : null;
        });
        if (known.some((entry) => entry === null)) {
          throw conflict(
            `job ${current.id} took its last manifest batch: start a new job with init for files not in it`,
          );
        }
        const similar = await repos.similar.refsOf(known.map((e) => e!.id));
        const items = known.map((e, i) => entryItem(parsed[i]!.index, e!, similar));
        return { job: current, items, changed: [] as EntryRow[], similar };
      }
      const deduper = await BatchDeduper.load(
        repos,
        current,
        parsed.flatMap((p) => (p.entry ? [p.entry] : [])),
      );
      const replaced: EntryRow[] = [];
      for (const p of parsed) {
        if (!p.entry) {
          items.push(refusedItem(p.index, p.path, p.invalid, 422));
          refused.push({ path: p.path ?? `entry ${p.index}`, reason: p.invalid, at: now() });
          continue;
        }
        const before = existing.get(p.entry.path);
        if (before && sameContent(before, p.entry)) {
          items.push({ index: p.index, entryId: before.id });
          continue;
        }
        if (before && !supersedes(before, p.entry)) {
          const reason = REPLACEABLE.has(before.state)
            ? `${p.entry.path} was already sent in this job with other content; if the file changed, send it with "supersedes": "${before.contentHash}", else rename it or start a new job`
            : `${p.entry.path} was already sent in this job with other content, and that content is ${before.state}; import the new content in a new job`;
          items.push(refusedItem(p.index, p.entry.path, reason, 409));
          continue;
        }
        if (before && p.entry.status === 'ok') {
          const decided = await deduper.decide(p.entry, before.id);
          if ('refused' in decided) {
            items.push(refusedItem(p.index, p.entry.path, decided.refused, 422));
            refused.push({ path: p.entry.path, reason: decided.refused, at: now() });
            continue;
          }
          const updated = await repos.entries.replaceContent(before.id, decided.row);
          // What was similar to the old content is not known to be similar to the new.
          await repos.similar.clearEntry(before.id);
          links = [...links.filter((l) => l.similarEntryId !== before.id), ...decided.similar];
          existing.set(updated.path, updated);
          replaced.push(updated);
          items.push({ index: p.index, entryId: updated.id });
          continue;
        }
        const decided = await deduper.decide(p.entry);
        if ('refused' in decided) {
          items.push(refusedItem(p.index, p.entry.path, decided.refused, 422));
          refused.push({ path: p.entry.path, reason: decided.refused, at: now() });
          continue;
        }
        existing.set(p.entry.path, decided.row as EntryRow);
        rows.push(decided.row);
        links.push(...decided.similar);
        items.push({ index: p.index, entryId: decided.row.id });
      }
      const changed = [...replaced, ...(await repos.entries.insertMany(rows))];
      await repos.similar.addEntryLinks(links);
      const byId = new Map([...existing.values(), ...changed].map((e) => [e.id, e]));
      await repos.jobs.appendErrors(current.id, refused);
      if (current.status === 'queued') await repos.jobs.update(current.id, { status: 'running' });
      if (request.last) await repos.jobs.update(current.id, { manifestClosed: true });
      const similar = await repos.similar.refsOf([
        ...new Set(items.flatMap((item) => ('entryId' in item ? [item.entryId] : []))),
      ]);
      const answered = items.map((item) =>
        'entryId' in item ? entryItem(item.index, byId.get(item.entryId)!, similar) : item,
      );
      return { job: await repos.jobs.refresh(current.id), items: answered, changed, similar };
    });

    failpoint('server:ingest-committed');
    if (request.last) failpoint('server:manifest-closed');
    this.events.publish(user.id, updateEvent(job, changed, similar));
    const accepted = items.filter((i) => i.ok).length;
    return {
      job_id: job.id,
      accepted,
      rejected: items.length - accepted,
      items,
      job: await this.view(this.uow.repos, job),
    };
  }

  /**
   * Cancels a job: entries still waiting or uploading end as cancelled, uploads to it are refused.
   * @throws AppError 404 not the caller's job, 409 a job that already ended.
   */
  async cancel(user: AuthUser, jobId: string): Promise<JobStatusResponse> {
    const { job, changed } = await this.uow.forUser(user.id, async (repos) => {
      const current = await repos.jobs.findOwned(user.id, jobId);
      if (!current) throw jobNotFound(jobId);
      if (current.status === 'completed' || current.status === 'failed') {
        throw conflict(
          `job ${jobId} already ended (${current.status}); there is nothing to cancel`,
        );
      }
      const changed =
        current.status === 'cancelled'
          ? []
          : await repos.entries.moveStates(jobId, ['pending_upload', 'uploading'], 'cancelled');
      await repos.jobs.update(jobId, { status: 'cancelled' });
      return { job: await repos.jobs.refresh(jobId), changed };
    });
    // A bucket's credentials are not kept a moment longer than the job that needs them.
    await this.buckets?.forgetCredentials(jobId);
    this.events.publish(user.id, await loadUpdateEvent(this.uow.repos, job, changed));
    return this.view(this.uow.repos, job);
  }

  /**
   * Puts the job's failed entries that a retry can help (failed uploads) back to waiting for
   * their upload, and reopens the job if it had ended.
   * @throws AppError 404 not the caller's job, 409 a cancelled job.
   */
  async retry(user: AuthUser, jobId: string): Promise<RetryResponse> {
    const { job, changed } = await this.uow.forUser(user.id, async (repos) => {
      const current = await repos.jobs.findOwned(user.id, jobId);
      if (!current) throw jobNotFound(jobId);
      if (current.status === 'cancelled') {
        throw conflict(`job ${jobId} was cancelled; start a new job to import its files`);
      }
      const changed = await repos.entries.moveStates(jobId, ['failed'], 'pending_upload', {
        retryableOnly: true,
      });
      if (changed.length > 0) await repos.jobs.update(jobId, { status: 'running' });
      return { job: await repos.jobs.refresh(jobId), changed };
    });
    this.events.publish(user.id, await loadUpdateEvent(this.uow.repos, job, changed));
    return {
      retried: changed.map((e) => ({ entry_id: e.id, path: e.path })),
      job: await this.view(this.uow.repos, job),
    };
  }

  private async ownedJob(user: AuthUser, jobId: string): Promise<JobRow> {
    const job = await this.uow.repos.jobs.findOwned(user.id, jobId);
    if (!job) throw jobNotFound(jobId);
    return job;
  }

  /** The job's status; `listings`, when given, holds the listing of each bucket job read. */
  private async view(
    repos: Repositories,
    job: JobRow,
    listings?: ReadonlyMap<string, BucketListing>,
  ): Promise<JobStatusResponse> {
    const failures = job.failed > 0 ? await repos.entries.failures(job.id, STATUS_ERROR_LIMIT) : [];
    const listing = listings
      ? listings.get(job.id)
      : (await repos.bucketSources.listings([job.id])).get(job.id);
    return jobStatusView(job, failures, listing);
  }
}

export function jobNotFound(jobId: string) {
  return notFound(`there is no import job ${jobId} (or it belongs to another user)`);
}

function now(): string {
  return new Date().toISOString();
}

function pathOf(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const path = (entry as { path?: unknown }).path;
  return typeof path === 'string' ? path.slice(0, 1024) : null;
}

/** States of an entry whose content a changed file may still replace. */
const REPLACEABLE = new Set<string>(['pending_upload', 'uploading', 'failed']);

function supersedes(before: EntryRow, entry: ManifestEntry): boolean {
  return (
    entry.status === 'ok' &&
    entry.supersedes !== undefined &&
    entry.supersedes === before.contentHash &&
    REPLACEABLE.has(before.state)
  );
}

function sameContent(before: EntryRow, entry: ManifestEntry): boolean {
  if (entry.status === 'error') return before.contentHash === null;
  return before.contentHash === entry.content_hash;
}

function entryItem(index: number, entry: EntryRow, similar: SimilarRefs): IngestItem {
  const duplicateOf =
    entry.duplicateMatch && entry.state === 'duplicate'
      ? {
          asset_id: entry.duplicateOfAssetId,
          entry_id: entry.duplicateOfEntryId,
          path: entry.duplicateOfPath ?? '',
          match: entry.duplicateMatch,
        }
      : null;
  return {
    index,
    path: entry.path,
    ok: true,
    entry_id: entry.id,
    state: entry.state,
    upload: entry.state === 'pending_upload' || entry.state === 'uploading',
    duplicate_of: duplicateOf,
    similar_to: similar.get(entry.id) ?? [],
    reason: entry.reason,
    status_code: null,
  };
}

function refusedItem(
  index: number,
  path: string | null,
  reason: string,
  statusCode: number,
): IngestItem {
  return {
    index,
    path,
    ok: false,
    entry_id: null,
    state: null,
    upload: false,
    duplicate_of: null,
    similar_to: [],
    reason,
    status_code: statusCode,
  };
}
