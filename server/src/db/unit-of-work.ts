import { sql } from 'drizzle-orm';
import type { Database } from './database.js';
import { UserRepository } from '../users/user.repository.js';
import { ImportJobRepository } from '../jobs/import-job.repository.js';
import { ImportEntryRepository } from '../jobs/import-entry.repository.js';
import { AudioFileRepository } from '../library/audio-file.repository.js';
import { SimilarLinkRepository } from '../library/similar-link.repository.js';
import { TimbreRepository } from '../library/timbre.repository.js';
import { BucketSourceRepository } from '../buckets/bucket-source.repository.js';

export interface Repositories {
  users: UserRepository;
  jobs: ImportJobRepository;
  entries: ImportEntryRepository;
  audioFiles: AudioFileRepository;
  similar: SimilarLinkRepository;
  timbre: TimbreRepository;
  bucketSources: BucketSourceRepository;
}

function repositoriesOf(db: Database): Repositories {
  return {
    users: new UserRepository(db),
    jobs: new ImportJobRepository(db),
    entries: new ImportEntryRepository(db),
    audioFiles: new AudioFileRepository(db),
    similar: new SimilarLinkRepository(db),
    timbre: new TimbreRepository(db),
    bucketSources: new BucketSourceRepository(db),
  };
}

/**
 * The repositories, outside or inside a transaction. Services get one of these, so a test can
 * hand them another.
 */
export interface UnitOfWork {
  readonly repos: Repositories;
  /**
   * Runs `work` in a transaction holding the user's advisory lock: every change to one user's
   * library and jobs that must see a consistent picture (ingest, commit, cancel, retry) runs
   * one at a time, on PGlite and on PostgreSQL with any number of server processes.
   */
  forUser<T>(ownerId: string, work: (repos: Repositories) => Promise<T>): Promise<T>;
}

export function createUnitOfWork(db: Database): UnitOfWork {
  return {
    repos: repositoriesOf(db),
    forUser: (ownerId, work) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${ownerId}, 0))`);
        return work(repositoriesOf(tx));
      }),
  };
}
