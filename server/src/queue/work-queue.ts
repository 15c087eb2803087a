import PgBoss from 'pg-boss';
import type { DatabaseHandle } from '../db/database.js';

/** The background work of the server, in its own database: pg-boss. */
export type WorkQueue = PgBoss;

/** How a queue retries a job that threw, and how long one run may take before it is retried. */
export interface QueueSettings {
  name: string;
  retryLimit: number;
  retryDelaySeconds: number;
  expireInSeconds: number;
}

/**
 * Starts pg-boss on the server's database: on PostgreSQL with connections of its own (any
 * number of server processes share the queues, each job runs once), on PGlite through its one
 * connection. Jobs survive restarts; a job that throws is tried again with exponential backoff,
 * and one whose process died is tried again when this process starts on PGlite
 * (requeueOrphans), when a sweep finds it on PostgreSQL (JobLeases), or at the latest once it
 * expires.
 */
export async function startWorkQueue(
  database: DatabaseHandle,
  databaseUrl: string | null,
  queues: QueueSettings[],
  log: (line: string) => void,
): Promise<WorkQueue> {
  // Expired jobs are found by the maintenance pass: often enough that the shortest expiry is
  // noticed within a fifth of itself (pg-boss's default is every 2 minutes).
  const shortest = Math.min(...queues.map((q) => q.expireInSeconds));
  const common = {
    schedule: false,
    maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.floor(shortest / 5))),
  };
  const boss = databaseUrl
    ? new PgBoss({
        ...common,
        connectionString: databaseUrl,
        max: 4,
        application_name: 'sm-server work queue',
      })
    : new PgBoss({ ...common, db: database.sql! });
  boss.on('error', (error: Error) => log(`work queue: ${error.message}`));
  // On PGlite the queue's maintenance runs in the server's own thread: a slow pass shows here.
  (boss as unknown as NodeJS.EventEmitter).on('maintenance', ({ ms }: { ms: number }) => {
    if (ms >= 1000) log(`work queue: maintenance took ${(ms / 1000).toFixed(1)} s`);
  });
  await boss.start();
  for (const q of queues) {
    const options = {
      name: q.name,
      retryLimit: q.retryLimit,
      retryDelay: q.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: q.expireInSeconds,
    };
    // A queue made by an earlier start keeps its settings unless updated: the last process
    // started sets them for jobs sent from then on.
    await boss.createQueue(q.name, options);
    await boss.updateQueue(q.name, options);
  }
  // On PGlite this process is the only one: a job still active was left by a process that
  // died, and would wait out its expiry (hours for a bucket listing) before anyone took it.
  if (!databaseUrl) {
    logOrphans(await requeueOrphans(boss, queues), log);
  }
  return boss;
}

/** Says how many jobs a process that died left running were handed back to the queue. */
export function logOrphans(count: number, log: (line: string) => void): void {
  if (count > 0) log(`work queue: ${count} jobs left running by a stopped server go on`);
}

/**
 * Fails every job of `queues` left active, so that pg-boss retries it at once (with its retry
 * delay) as it would a job that threw. Only for a database no other process works on.
 * @returns how many jobs.
 */
async function requeueOrphans(boss: PgBoss, queues: QueueSettings[]): Promise<number> {
  let count = 0;
  for (const q of queues) {
    const { rows } = await boss
      .getDb()
      .executeSql(`SELECT id FROM pgboss.job WHERE name = $1 AND state = 'active'`, [q.name]);
    for (const { id } of rows as { id: string }[]) {
      await boss.fail(q.name, id, { message: 'the server process running it stopped' });
      count++;
    }
  }
  return count;
}
