import type PgBoss from 'pg-boss';
import {
  createStoredFileAnalyser,
  type StoredFileAnalyser,
} from '../library/refingerprint-analyser.js';
import { JobLeases, SWEEP_INTERVAL_MS } from '../queue/job-leases.js';
import { logOrphans, type QueueSettings, type WorkQueue } from '../queue/work-queue.js';
import {
  LIST_QUEUE,
  OBJECT_QUEUE,
  type BucketImportService,
  type ListJob,
  type ObjectJob,
} from './bucket-import.service.js';

/**
 * The bucket queues: a listing may take long (millions of keys); an object, a few minutes. A
 * job whose worker died is given to another once it expires (`objectTimeoutSeconds`, the
 * operator's BUCKET_OBJECT_TIMEOUT_SECONDS); one that expires while its worker still runs is
 * taken twice, which the entry's state makes harmless (the second upload takes over).
 */
export function bucketQueues(objectTimeoutSeconds: number): QueueSettings[] {
  return [
    { name: LIST_QUEUE, retryLimit: 10, retryDelaySeconds: 5, expireInSeconds: 6 * 3600 },
    {
      name: OBJECT_QUEUE,
      retryLimit: 3,
      retryDelaySeconds: 5,
      expireInSeconds: objectTimeoutSeconds,
    },
  ];
}

const POLL_SECONDS = 1;

/**
 * This process's share of bucket imports: `count` workers, each with its own analysis thread,
 * taking one object at a time from the queue, and one lister. Zero takes no bucket work here.
 * On PostgreSQL (`databaseUrl`) each job runs under a lease (JobLeases), and the process looks
 * for jobs left by a process that died every SWEEP_INTERVAL_MS; on PGlite the work queue
 * retried those when it started.
 */
export async function startBucketWorkers(
  queue: WorkQueue,
  buckets: BucketImportService,
  count: number,
  databaseUrl: string | null,
  log: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const analysers: StoredFileAnalyser[] = [];
  const leases =
    count > 0 && databaseUrl
      ? await JobLeases.open(databaseUrl, queue, [LIST_QUEUE, OBJECT_QUEUE], log)
      : null;
  const leased = <T>(id: string, work: () => Promise<T>) =>
    leases ? leases.run(id, work) : work();
  let sweeper: NodeJS.Timeout | undefined;
  if (leases) {
    const sweep = () =>
      leases.sweep().then(
        (count) => logOrphans(count, log),
        (error: unknown) =>
          log(`job leases: ${error instanceof Error ? error.message : String(error)}`),
      );
    void sweep();
    sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
    sweeper.unref();
  }
  /**
   * pg-boss waits out its polling interval after each job, however short the job: a worker
   * that finished one is told to fetch the next at once, so that a queue of small objects
   * goes as fast as they are analysed (an empty queue is polled every POLL_SECONDS).
   */
  const next = (id: string) => {
    if (id) queue.notifyWorker(id);
  };
  /**
   * On PGlite every query runs in this thread and resolves without I/O: workers deciding
   * objects from remembered analyses chain queries in microtasks and would starve the event
   * loop (one re-import of 1,500 objects held HTTP requests for 67 s, and keep-alive
   * connections were reset). Each object starts after pending I/O has had its turn.
   */
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
  if (count > 0) {
    let id = '';
    id = await queue.work<ListJob>(
      LIST_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS, includeMetadata: true },
      async ([job]: PgBoss.JobWithMetadata<ListJob>[]) => {
        await yieldToIo();
        await leased(job!.id, () => buckets.list(job!.data, job!.retryCount >= job!.retryLimit));
        next(id);
      },
    );
  }
  for (let i = 0; i < count; i++) {
    const analyser = createStoredFileAnalyser();
    analysers.push(analyser);
    let id = '';
    id = await queue.work<ObjectJob>(
      OBJECT_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS, includeMetadata: true },
      async ([job]: PgBoss.JobWithMetadata<ObjectJob>[]) => {
        await yieldToIo();
        await leased(job!.id, () =>
          buckets.take(job!.data, analyser, job!.retryCount >= job!.retryLimit),
        );
        next(id);
      },
    );
  }
  return {
    async stop() {
      clearInterval(sweeper);
      await Promise.all(analysers.map((a) => a.close()));
      await leases?.close();
    },
  };
}
