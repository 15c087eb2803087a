import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildExclusions,
  errorMessage,
  ExclusionPatternError,
  ignoreFileTooLarge,
  tooManyIgnoreFiles,
  IGNORE_FILE,
  isIgnoreFile,
  MAX_IGNORE_FILE_BYTES,
  MAX_IGNORE_FILES,
  toManifestEntry,
  type ExcludedFile,
  type ExclusionReason,
} from '../../../shared/files/index.js';
import { relativePathSchema, type S3Source } from '../../../shared/schemas/index.js';
import { parseS3Url } from '../../../shared/s3/s3-url.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import type { AuthUser } from '../auth/auth.service.js';
import { toAuthUser } from '../auth/auth.service.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { AppError, conflict, notFound, unprocessable } from '../errors.js';
import type { ImportJobService } from '../jobs/import-job.service.js';
import type { StoredFileAnalyser } from '../library/refingerprint-analyser.js';
import { describeS3Error, s3Status } from '../objects/s3-errors.js';
import type { UploadService } from '../uploads/upload.service.js';
import { BucketReader, type BucketAccess, type ListedObject } from './bucket-reader.js';
import { isCurrentFingerprint } from '../../../shared/analysis/fingerprint/fingerprint-types.js';
import type {
  BucketSourceRepository,
  BucketSourceRow,
  ObjectVersion,
} from './bucket-source.repository.js';
import type { SecretBox } from './sealed-secrets.js';

/** The queue of listings (one job per bucket import) and of objects (one job per object). */
export const LIST_QUEUE = 'bucket-list';
export const OBJECT_QUEUE = 'bucket-object';

/** The part of the work queue (pg-boss) a bucket import sends work through. */
export interface BucketWorkQueue {
  send(queue: string, data: object, options: { id: string }): Promise<unknown>;
  insert(jobs: { name: string; id: string; data: object }[]): Promise<void>;
}

export interface ListJob {
  jobId: string;
  /** The request's exclusion patterns (kept with the listing work, which alone needs them). */
  exclude?: string[];
}
export interface ObjectJob {
  jobId: string;
  key: string;
}

/** How long the server waits for the store at ingest before it answers that it cannot read it. */
const CHECK_TIMEOUT_MS = 20_000;

/** The credentials as sealed in `bucket_sources.credentials`. */
interface SealedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A queue job id that is the same each time for the same work: sent twice, it runs once. */
function workId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\0')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An answer of the store that trying again will not change (no such key, access denied). */
function isRefusal(error: unknown): boolean {
  const status = s3Status(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Imports from an S3 bucket on the server: `ingest` with an S3 source checks that the bucket
 * can be read, keeps the user's credentials sealed, and queues the listing; the listing records
 * each page and queues one job per object; each object is fetched, analysed by the same core as
 * the CLI and the web app, and goes through the same ingest and commit as an uploaded file (same
 * duplicate rules, states, counters and events). The queue (pg-boss on the server's database)
 * retries with backoff and hands work to any server process; objects are taken once.
 */
export class BucketImportService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sources: BucketSourceRepository,
    private readonly jobs: ImportJobService,
    private readonly uploads: UploadService,
    private readonly box: SecretBox,
    private readonly queue: BucketWorkQueue,
    private readonly options: {
      /** Origins of S3-compatible stores users may name; AWS is always allowed. */
      allowedEndpoints: string[];
      /** Where fetched objects wait for their analysis. */
      scratchDir: string;
      /** Larger objects fail without being fetched (MAX_UPLOAD_BYTES). */
      maxFileBytes: number;
      log: (line: string) => void;
    },
  ) {}

  /**
   * Starts importing the source into the user's job.
   * @throws AppError 404 not the caller's job, 409 an ended job or one that has a source
   *   already, 422 an endpoint this server does not allow or a bucket it cannot read.
   */
  async start(user: AuthUser, jobId: string, source: S3Source): Promise<void> {
    const where = parseS3Url(source.url)!;
    const endpoint = source.endpoint ? new URL(source.endpoint).origin : null;
    if (endpoint && !this.options.allowedEndpoints.includes(endpoint)) {
      throw unprocessable(
        `this server does not import from ${endpoint}: its operator lists the S3-compatible stores it may read in BUCKET_ENDPOINTS`,
      );
    }
    const job = await this.uow.repos.jobs.findOwned(user.id, jobId);
    if (!job) throw notFound(`there is no import job ${jobId} (or it belongs to another user)`);
    if (job.status === 'cancelled' || job.manifestClosed) {
      throw conflict(`job ${jobId} takes no more files: start a new job with init`);
    }
    const credentials: SealedCredentials = {
      accessKeyId: source.access_key_id,
      secretAccessKey: source.secret_access_key,
      ...(source.session_token ? { sessionToken: source.session_token } : {}),
    };
    const access: BucketAccess = {
      ...where,
      endpoint,
      region: source.region ?? 'us-east-1',
      credentials,
    };
    await this.checkReadable(access, source.url);
    const made = await this.sources.create({
      jobId,
      ownerId: user.id,
      bucket: where.bucket,
      prefix: where.prefix,
      endpoint,
      region: access.region,
      credentials: this.box.seal(JSON.stringify(credentials)),
    });
    if (!made) throw conflict(`job ${jobId} imports a bucket already: start a new job with init`);
    if (job.status === 'queued') await this.uow.repos.jobs.update(jobId, { status: 'running' });
    const listJob: ListJob = {
      jobId,
      ...(source.exclude?.length ? { exclude: source.exclude } : {}),
    };
    await this.queue.send(LIST_QUEUE, listJob, { id: workId('list', jobId) });
  }

  /**
   * Lists the source from where it stopped, page by page: each page is recorded with the token
   * of the next, then its objects are queued. Objects recorded but not yet taken are queued
   * again first (a lister that died between the two; a queued object is not queued twice).
   * Objects excluded by the request's `exclude` or a `.smignore` under the prefix (all read
   * first, by a listing of their own) are left out, and `.smignore` objects too; the excluded
   * ones are counted with their page (the job's status says how many, and why for the first).
   */
  async list({ jobId, exclude = [] }: ListJob, lastAttempt = false): Promise<void> {
    const source = await this.sources.find(jobId);
    const reader = source && (await this.readerFor(source));
    if (!source || !reader) return;
    try {
      await this.queueWaiting(jobId);
      let token = source.nextToken;
      if (!source.listingDone) {
        const excluded = await this.exclusionsOf(source, reader, exclude, lastAttempt);
        if (!excluded) return;
        for (;;) {
          if (await this.ended(source)) return;
          const page = await reader.listPage(token).catch(async (error: unknown) => {
            if (!isRefusal(error) && !lastAttempt) throw error;
            // The store refuses to go on (access revoked, bucket gone): what was listed is
            // imported, and the job says where the listing stopped and why.
            const listed = (await this.sources.find(jobId))?.listed ?? 0;
            await this.uow.repos.jobs.appendErrors(jobId, [
              {
                path: `s3://${source.bucket}/${source.prefix}`,
                reason: `the listing stopped after ${listed} objects: ${describeS3Error(error)}`,
                at: new Date().toISOString(),
              },
            ]);
            return { objects: [], next: null };
          });
          const sorted = this.sortKeys(source, page.objects, excluded);
          await this.uow.repos.jobs.appendErrors(jobId, sorted.refused);
          const recorded = await this.sources.recordPage(jobId, token, {
            objects: sorted.taken,
            excluded: sorted.excluded,
            next: page.next,
          });
          // Another lister of the job recorded this page first: it goes on from there.
          if (!recorded) break;
          await this.enqueue(jobId, sorted.taken);
          failpoint('server:bucket-page-listed');
          if (page.next === null) break;
          token = page.next;
        }
      }
      await this.finishIfDone(source);
    } finally {
      reader.close();
    }
  }

  /**
   * Takes one object: fetches it, analyses it and ingests it into the job like a file of a
   * manifest; uploads it to the library when the job keeps it. A failure the store or the file
   * gives (no such key, access denied, not audio it can read) becomes the entry's reason;
   * others are thrown for the queue to try again, and recorded on `lastAttempt`.
   */
  async take(job: ObjectJob, analyser: StoredFileAnalyser, lastAttempt: boolean): Promise<void> {
    const source = await this.sources.find(job.jobId);
    const listed = source && (await this.sources.waitingObject(job.jobId, job.key));
    if (!source || !listed) return;
    const path = job.key.slice(source.prefix.length);
    const owner = await this.uow.repos.users.findById(source.ownerId);
    if (!owner) return;
    const user = toAuthUser(owner);
    let reader: BucketReader | null;
    try {
      reader = await this.readerFor(source);
    } catch (error) {
      // Credentials this process cannot open (another SECRET_KEY): another process may.
      if (!lastAttempt) throw error;
      await this.fail(
        user,
        job.jobId,
        path,
        `the server could not import it: ${errorMessage(error)}`,
      );
      await this.sources.take(job.jobId, job.key);
      await this.finishIfDone(source);
      return;
    }
    if (!reader || (await this.ended(source))) {
      await this.sources.take(job.jobId, job.key);
      reader?.close();
      return;
    }
    if (listed.sizeBytes > this.options.maxFileBytes) {
      reader.close();
      const error = `the file has ${listed.sizeBytes} bytes; this server takes at most ${this.options.maxFileBytes} per file`;
      await this.fail(user, job.jobId, path, error);
      await this.sources.take(job.jobId, job.key);
      await this.finishIfDone(source);
      return;
    }
    const version: ObjectVersion = {
      ownerId: source.ownerId,
      endpoint: source.endpoint ?? '',
      bucket: source.bucket,
      key: job.key,
      etag: listed.etag,
    };
    if (listed.etag && (await this.decidedBefore(user, job.jobId, path, version))) {
      reader.close();
      await this.sources.take(job.jobId, job.key);
      await this.finishIfDone(source);
      return;
    }
    await mkdir(this.options.scratchDir, { recursive: true });
    const dir = await mkdtemp(join(this.options.scratchDir, 'bucket-'));
    try {
      const file = join(dir, 'object');
      const fetched = await reader.fetchTo(job.key, file).then(
        (etag) => ({ etag }),
        (error: unknown) => {
          if (!isRefusal(error) && !lastAttempt) throw error;
          return {
            error: `cannot read s3://${source.bucket}/${job.key}: ${describeS3Error(error)}`,
          };
        },
      );
      if ('error' in fetched) {
        await this.fail(user, job.jobId, path, fetched.error);
      } else {
        // What is remembered is of the bytes fetched (the object may have changed since listed).
        const fetchedVersion = { ...version, etag: fetched.etag || listed.etag };
        await this.analyseAndIngest(user, job.jobId, path, file, fetchedVersion, {
          analyser,
          lastAttempt,
        });
        failpoint('server:bucket-object-ingested');
      }
      await this.sources.take(job.jobId, job.key);
    } catch (error) {
      if (!lastAttempt) throw error;
      const reason = `the server could not import it: ${errorMessage(error)}`;
      await this.fail(user, job.jobId, path, reason).catch(() => undefined);
      await this.sources.take(job.jobId, job.key);
    } finally {
      reader.close();
      await rm(dir, { recursive: true, force: true });
    }
    await this.finishIfDone(source);
  }

  /**
   * Decides an object from what the same version of it held when it was fetched before (the
   * bucket imported again): true when that settles it (not audio, a copy of a file of the
   * library, or refused); false when its bytes are needed (never fetched, a sound the library
   * lacks, or analysed with an older fingerprint). An entry that waits for its bytes is ingested
   * already, and is taken as the analysis of the fetched bytes ingests again.
   */
  private async decidedBefore(
    user: AuthUser,
    jobId: string,
    path: string,
    version: ObjectVersion,
  ): Promise<boolean> {
    const known = await this.sources.knownAnalysis(version);
    if (known === undefined) return false;
    if (known === null) return true;
    const fingerprint = known.fingerprint as Parameters<typeof isCurrentFingerprint>[0] | null;
    const format = typeof known.format === 'string' ? known.format : null;
    if (fingerprint && !isCurrentFingerprint(fingerprint, format)) return false;
    const item = await this.ingestOne(user, jobId, { ...known, path });
    return !item?.upload;
  }

  private async analyseAndIngest(
    user: AuthUser,
    jobId: string,
    path: string,
    file: string,
    version: ObjectVersion,
    { analyser, lastAttempt }: { analyser: StoredFileAnalyser; lastAttempt: boolean },
  ): Promise<void> {
    const outcome = await analyser.analyse({ objectPath: file, name: path, contentHash: null });
    if (!outcome.ok) throw new Error(outcome.reason);
    // Not audio (a text file, a picture): left out, as the CLI and the web app leave it out.
    if (outcome.file.status === 'skipped') {
      if (version.etag) await this.sources.rememberAnalysis(version, null);
      return;
    }
    const entry = toManifestEntry(outcome.file, path);
    if (entry.status === 'ok' && version.etag) {
      const { path: _path, ...analysis } = entry;
      await this.sources.rememberAnalysis(version, analysis);
    }
    const item = await this.ingestOne(user, jobId, entry);
    if (!item?.upload || !item.entry_id) return;
    const entryId = item.entry_id;
    const uploadId = randomUUID();
    try {
      await this.uploads.begin(user, entryId, outcome.file.sizeBytes, uploadId);
      await this.uploads.placeUpload(uploadId, file);
      await this.uploads.finish(user, uploadId);
    } catch (error) {
      // A refusal (quota, the entry cancelled meanwhile) is the entry's reason; anything else
      // is tried again, and on the last try too.
      if (!(error instanceof AppError) && !lastAttempt) throw error;
      await this.uploads.failWaiting(
        user,
        entryId,
        uploadId,
        `the server could not store it: ${errorMessage(error)}`,
      );
    } finally {
      await this.uploads.discardUpload(uploadId);
    }
  }

  /**
   * Records an object that could not be imported as a failed entry of the job, with why; an
   * entry ingested for it already (from a remembered analysis) fails if it still waits.
   */
  private async fail(user: AuthUser, jobId: string, path: string, reason: string) {
    const error = reason.length > 2000 ? `${reason.slice(0, 1999)}…` : reason;
    const [before] = await this.uow.repos.entries.findByPaths(jobId, [path]);
    if (before) await this.uploads.failWaiting(user, before.id, before.uploadId ?? '', error);
    else await this.ingestOne(user, jobId, { status: 'error', path, error });
  }

  private async ingestOne(user: AuthUser, jobId: string, entry: unknown) {
    const answer = await this.jobs.ingest(user, { job_id: jobId, entries: [entry] });
    return answer.items[0] ?? null;
  }

  /**
   * The matcher of the source's exclusions: the request's patterns and every `.smignore` object
   * under the prefix. Null when a `.smignore` cannot be read or holds a bad pattern: the job
   * then imports nothing and its errors say which file and what to fix (a bucket imported
   * without the exclusions its owner wrote would store what they meant to leave out).
   */
  private async exclusionsOf(
    source: BucketSourceRow,
    reader: BucketReader,
    exclude: string[],
    lastAttempt: boolean,
  ): Promise<((path: string) => ExclusionReason | null) | null> {
    const ignoreFiles: { path: string; text: string }[] = [];
    try {
      for (let token: string | null = null, first = true; first || token; first = false) {
        const page = await reader.listPage(token);
        for (const object of page.objects) {
          const path = object.key.slice(source.prefix.length);
          if (!isIgnoreFile(path) || !relativePathSchema.safeParse(path).success) continue;
          if (ignoreFiles.length === MAX_IGNORE_FILES) throw tooManyIgnoreFiles();
          const text = await reader.readText(object.key, MAX_IGNORE_FILE_BYTES);
          if (text === null) throw ignoreFileTooLarge(path);
          ignoreFiles.push({ path, text });
        }
        token = page.next;
      }
      return buildExclusions({
        patterns: exclude,
        patternSource: 'exclude',
        ignoreFiles,
        rooted: false,
      });
    } catch (error) {
      const final = error instanceof ExclusionPatternError || isRefusal(error) || lastAttempt;
      if (!final) throw error;
      const reason =
        error instanceof ExclusionPatternError
          ? error.message
          : `cannot read the exclusions (${IGNORE_FILE}) under the prefix: ${describeS3Error(error)}`;
      await this.uow.repos.jobs.appendErrors(source.jobId, [
        {
          path: `s3://${source.bucket}/${source.prefix}`,
          reason: `nothing imported: ${reason}`,
          at: new Date().toISOString(),
        },
      ]);
      await this.sources.recordPage(source.jobId, source.nextToken, {
        objects: [],
        excluded: [],
        next: null,
      });
      await this.finishIfDone(source);
      return null;
    }
  }

  /**
   * The bucket's keys that make paths of the library, a job error for each other one, and the
   * excluded objects with why (by their path under the prefix); `.smignore` objects are in none.
   */
  private sortKeys(
    source: BucketSourceRow,
    objects: ListedObject[],
    excluded: (path: string) => ExclusionReason | null,
  ) {
    const taken: ListedObject[] = [];
    const refused: { path: string; reason: string; at: string }[] = [];
    const left: ExcludedFile[] = [];
    for (const object of objects) {
      const path = object.key.slice(source.prefix.length);
      if (isIgnoreFile(path)) continue;
      const reason = excluded(path);
      if (reason) {
        left.push({ path, reason });
        continue;
      }
      const valid = relativePathSchema.safeParse(path);
      if (valid.success) taken.push(object);
      else
        refused.push({
          path: object.key,
          reason: `not imported: its key does not make a file path (${valid.error.issues[0]?.message ?? 'invalid'})`,
          at: new Date().toISOString(),
        });
    }
    return { taken, refused, excluded: left };
  }

  private async enqueue(jobId: string, objects: { key: string }[]): Promise<void> {
    if (objects.length === 0) return;
    await this.queue.insert(
      objects.map((o) => ({
        name: OBJECT_QUEUE,
        id: workId('object', jobId, o.key),
        data: { jobId, key: o.key } satisfies ObjectJob,
      })),
    );
  }

  private async queueWaiting(jobId: string): Promise<void> {
    let after = '';
    for (;;) {
      const keys = await this.sources.waitingKeys(jobId, after, 1000);
      if (keys.length === 0) return;
      await this.enqueue(
        jobId,
        keys.map((key) => ({ key })),
      );
      after = keys.at(-1)!;
    }
  }

  /** Closes the job's manifest once every listed object is taken; forgets the credentials. */
  private async finishIfDone(source: BucketSourceRow): Promise<void> {
    const now = await this.sources.find(source.jobId);
    if (!now?.listingDone || (await this.sources.waiting(source.jobId)) > 0) return;
    const owner = await this.uow.repos.users.findById(source.ownerId);
    if (owner) {
      await this.jobs
        .ingest(toAuthUser(owner), { job_id: source.jobId, entries: [], last: true })
        .catch((error: unknown) => {
          // A job cancelled meanwhile takes no last batch: it has ended anyway.
          if (!(error instanceof AppError)) throw error;
        });
    }
    await this.sources.forgetCredentials(source.jobId);
  }

  /** Forgets the credentials of the job's source, if it has one (the job was cancelled). */
  async forgetCredentials(jobId: string): Promise<void> {
    await this.sources.forgetCredentials(jobId);
  }

  /** Whether the job was cancelled (its credentials are forgotten then). */
  private async ended(source: BucketSourceRow): Promise<boolean> {
    const job = await this.uow.repos.jobs.findOwned(source.ownerId, source.jobId);
    if (job && job.status !== 'cancelled') return false;
    await this.sources.forgetCredentials(source.jobId);
    return true;
  }

  /** A reader with the job's credentials; null once they are forgotten (the job ended). */
  private async readerFor(source: BucketSourceRow): Promise<BucketReader | null> {
    if (!source.credentials) return null;
    let credentials: SealedCredentials;
    try {
      credentials = JSON.parse(this.box.open(source.credentials)) as SealedCredentials;
    } catch (error) {
      this.options.log(`bucket import of job ${source.jobId}: ${errorMessage(error)}`);
      throw error;
    }
    return BucketReader.open({
      bucket: source.bucket,
      prefix: source.prefix,
      endpoint: source.endpoint,
      region: source.region,
      credentials,
    });
  }

  private async checkReadable(access: BucketAccess, url: string): Promise<void> {
    const reader = await BucketReader.open(access);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
        CHECK_TIMEOUT_MS,
      ).unref(),
    );
    try {
      await Promise.race([reader.listPage(null, 1), timeout]);
    } catch (error) {
      throw unprocessable(`cannot read ${url}: ${describeS3Error(error)}`);
    } finally {
      reader.close();
    }
  }
}
