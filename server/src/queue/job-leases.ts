import pg from 'pg';
import type { WorkQueue } from './work-queue.js';

/** A job active for less than this may be between its fetch and its lease: never swept. */
const SWEEP_GRACE_SECONDS = 10;
/** How often a process looks for jobs whose process died. */
export const SWEEP_INTERVAL_MS = 15_000;
const LOCK_KEY = 'hashtextextended($1, 0)';

/**
 * Which queued jobs a live process is running, on PostgreSQL, where any number of processes
 * share the queue: each process holds a session advisory lock on every job it runs, on a
 * connection of its own. A process that dies (killed, its machine lost) loses its connection
 * and with it its locks, so an active job whose lock anyone can take has no process left: the
 * sweep fails it, and pg-boss retries it at once (with its retry delay) instead of after the
 * queue's expiry (hours for a bucket listing).
 */
export class JobLeases {
  private readonly held = new Set<string>();

  private constructor(
    private readonly client: pg.Client,
    private readonly queue: WorkQueue,
    private readonly names: string[],
  ) {}

  /** Opens the lease connection for the jobs of the queues `names`. */
  static async open(
    databaseUrl: string,
    queue: WorkQueue,
    names: string[],
    log: (line: string) => void,
  ): Promise<JobLeases> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: 'sm-server job leases',
    });
    // A lost connection frees this process's leases: its jobs may be taken twice, which the
    // bucket work makes harmless (an object's upload commits once).
    client.on('error', (error) => log(`job leases: ${error.message}`));
    await client.connect();
    return new JobLeases(client, queue, names);
  }

  /**
   * Runs `work` under the lease of job `id`. A lease another process holds (a job taken twice
   * after its expiry) is not waited for: the work runs without one.
   */
  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const leased = await this.client
      .query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [id])
      .then((r) => r.rows[0]!.ok)
      .catch(() => false);
    if (leased) this.held.add(id);
    try {
      return await work();
    } finally {
      if (leased) {
        this.held.delete(id);
        await this.client
          .query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id])
          .catch(() => undefined);
      }
    }
  }

  /**
   * Fails every job of the queues that has been active for SWEEP_GRACE_SECONDS and whose lease
   * no process holds, so that the queue retries it.
   * @returns how many jobs.
   */
  async sweep(): Promise<number> {
    const { rows } = await this.client.query<{ id: string; name: string }>(
      `SELECT id, name FROM pgboss.job WHERE name = ANY($1) AND state = 'active'
         AND started_on < now() - make_interval(secs => $2)`,
      [this.names, SWEEP_GRACE_SECONDS],
    );
    let count = 0;
    for (const { id, name } of rows) {
      if (this.held.has(id)) continue;
      const free = await this.client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`,
        [id],
      );
      if (!free.rows[0]!.ok) continue;
      await this.client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id]);
      await this.queue.fail(name, id, { message: 'the server process running it stopped' });
      count++;
    }
    return count;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
