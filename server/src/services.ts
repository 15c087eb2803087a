import xxhash from 'xxhash-wasm';
import { AuthService } from './auth/auth.service.js';
import type { ServerConfig } from './config.js';
import type { Database } from './db/database.js';
import { createUnitOfWork } from './db/unit-of-work.js';
import { EventBus } from './events/event-bus.js';
import { ImportJobService } from './jobs/import-job.service.js';
import { LibraryService } from './library/library.service.js';
import { createStoredFileAnalyser } from './library/refingerprint-analyser.js';
import { RefingerprintRepository } from './library/refingerprint.repository.js';
import { RefingerprintService } from './library/refingerprint.service.js';
import { LocalObjectStore } from './objects/object-store.js';
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
}

export async function createServices(db: Database, config: ServerConfig): Promise<Services> {
  const uow = createUnitOfWork(db);
  const events = new EventBus();
  const objects = new LocalObjectStore(join(config.dataDir, 'objects'));
  return {
    auth: new AuthService(uow.repos.users, {
      quotaBytes: config.defaultQuotaBytes,
      quotaFiles: config.defaultQuotaFiles,
    }),
    jobs: new ImportJobService(uow, events, new RateLimiter(config.limits.jobStarts)),
    library: new LibraryService(uow, objects),
    uploads: new UploadService(
      uow,
      events,
      objects,
      await xxhash(),
      config.maxUploadBytes,
      join(config.dataDir, 'uploads'),
    ),
    events,
    refingerprint: new RefingerprintService(
      new RefingerprintRepository(db),
      objects,
      createStoredFileAnalyser(),
      config.refingerprint,
    ),
  };
}
