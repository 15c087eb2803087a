import xxhash from 'xxhash-wasm';
import { AuthService } from './auth/auth.service.js';
import type { ServerConfig } from './config.js';
import type { Database, DatabaseHandle } from './db/database.js';
import { BucketImportService } from './buckets/bucket-import.service.js';
import { bucketQueues } from './buckets/bucket-workers.js';
import { SecretBox } from './buckets/sealed-secrets.js';
import { startWorkQueue, type WorkQueue } from './queue/work-queue.js';
import { createUnitOfWork } from './db/unit-of-work.js';
import { EventBus, PostgresEventBus } from './events/event-bus.js';
import { ImportJobService } from './jobs/import-job.service.js';
import { LibraryService } from './library/library.service.js';
import { createStoredFileAnalyser } from './library/refingerprint-analyser.js';
import { RefingerprintRepository } from './library/refingerprint.repository.js';
import { RefingerprintService } from './library/refingerprint.service.js';
import { TimbreBackfill } from './library/timbre-backfill.js';
import { TimbreRepository } from './library/timbre.repository.js';
import { LocalObjectStore, type ObjectStore } from './objects/object-store.js';
import { UploadService } from './uploads/upload.service.js';
import { RateLimiter } from './http/rate-limit.js';
import { join } from 'node:path';

/** The one service layer that REST, tRPC and tus all call. */
export interface Services {
  auth: AuthService;
  jobs: ImportJobService;
  library: LibraryService;
  uploads: UploadService;
  events: EventBus;
  refingerprint: RefingerprintService;
  /** Timbre vectors of files stored before they existed, from their fingerprints. */
  timbreBackfill: TimbreBackfill;
  buckets: BucketImportService;
  /** Background work (bucket imports) on the server's database, shared by its processes. */
  queue: WorkQueue;
}

export async function createServices(
  database: DatabaseHandle,
  config: ServerConfig,
  log: (line: string) => void = console.error,
): Promise<Services> {
  const { db } = database;
  const uow = createUnitOfWork(db);
  // Server processes on one PostgreSQL relay each other's events; on PGlite there is one process.
  const events = config.databaseUrl
    ? await PostgresEventBus.open(config.databaseUrl, log)
    : new EventBus();
  const objects = await openObjectStore(config);
  const jobs = new ImportJobService(uow, events, new RateLimiter(config.limits.jobStarts));
  const uploads = new UploadService(
    uow,
    events,
    objects,
    await xxhash(),
    config.maxUploadBytes,
    join(config.dataDir, 'uploads'),
  );
  const box = await SecretBox.open(config.secretKey, config.dataDir);
  const queue = await startWorkQueue(
    database,
    config.databaseUrl,
    bucketQueues(config.bucketObjectTimeoutSeconds),
    log,
  );
  const buckets = new BucketImportService(uow, uow.repos.bucketSources, jobs, uploads, box, queue, {
    allowedEndpoints: config.bucketEndpoints,
    scratchDir: join(config.dataDir, 'scratch'),
    maxFileBytes: config.maxUploadBytes,
    log,
  });
  jobs.useBuckets(buckets);
  return {
    auth: createAuthService(db, config),
    jobs,
    library: new LibraryService(uow, objects),
    uploads,
    events,
    refingerprint: new RefingerprintService(
      new RefingerprintRepository(db),
      objects,
      createStoredFileAnalyser(),
      config.refingerprint,
    ),
    timbreBackfill: new TimbreBackfill(new TimbreRepository(db)),
    buckets,
    queue,
  };
}

/** Users and tokens alone: what `sm-server user …` needs (no object store, no live events). */
export function createAuthService(db: Database, config: ServerConfig): AuthService {
  return new AuthService(createUnitOfWork(db).repos.users, {
    quotaBytes: config.defaultQuotaBytes,
    quotaFiles: config.defaultQuotaFiles,
  });
}

/**
 * The object store the settings name, checked before the server takes requests.
 * @throws ObjectStoreUnavailableError when the S3 bucket cannot be used.
 */
async function openObjectStore(config: ServerConfig): Promise<ObjectStore> {
  if (!config.objectStore) return new LocalObjectStore(join(config.dataDir, 'objects'));
  // The AWS SDK loads only for a server that uses it.
  const { S3ObjectStore } = await import('./objects/s3-object-store.js');
  const store = new S3ObjectStore(config.objectStore, join(config.dataDir, 'scratch'));
  await store.check();
  return store;
}
