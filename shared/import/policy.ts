/**
 * How every importer paces its talk with the server: the CLI, the wizard and (later) the
 * server's own workers use these figures, so a change here changes them all.
 */
export const IMPORT_POLICY = {
  /**
   * Entries per ingest call at most (the server takes up to 1,000). A call takes whatever
   * waits when the one before it is answered, so batches grow only as large as the server is
   * slow.
   */
  manifestBatch: 500,
  /** How long the first waiting entry waits for others before a call goes without them (ms). */
  gatherMs: 1000,
  /** Items per preflight check call: well under the server's limit, small enough to show progress. */
  checkBatch: 500,
  /** Files uploaded at once: enough to fill a link, few enough to finish files early. */
  parallelUploads: 4,
  /** Bytes per tus PATCH: large enough for throughput, small enough that little is lost on a cut. */
  chunkBytes: 8 * 1024 * 1024,
  /** How often a job the server runs by itself (a bucket import) is asked whether it ended (ms). */
  statusPollMs: 1000,
} as const;
