import type { PGlite, Results, Transaction } from '@electric-sql/pglite';

type Statement = (...args: unknown[]) => Promise<Results | Results[]>;

/** Rows written before the first ANALYZE, and the least between two. */
const FIRST_ANALYZE_ROWS = 500;
/** Later ones wait for this share of all rows written so far, as autovacuum's scale factor. */
const ANALYZE_SCALE = 0.1;

/**
 * Keeps PGlite's planner statistics current. PGlite runs no autovacuum, so without this its
 * tables are never analysed (`reltuples` stays -1) and the planner takes every index for
 * perfectly selective: at 5,000 files the fingerprint candidate search walked all of a job's
 * entries through the (job, state) index, 7-15 ms a search, rather than use the GIN index
 * (under 1 ms). This counts the rows that statements report written, and after
 * FIRST_ANALYZE_ROWS, then after 10 % more of all rows written so far, runs ANALYZE. It is
 * queued behind whatever transaction is open and takes 30-200 ms at 5,000 files.
 */
export function keepStatistics(client: PGlite, onError: (error: Error) => void): void {
  let written = 0;
  let sinceAnalyze = 0;
  let analyzing = false;
  const count = (result: Results | Results[]) => {
    for (const r of Array.isArray(result) ? result : [result]) {
      const rows = r.affectedRows ?? 0;
      written += rows;
      sinceAnalyze += rows;
    }
    if (analyzing || sinceAnalyze < Math.max(FIRST_ANALYZE_ROWS, ANALYZE_SCALE * written)) return;
    analyzing = true;
    sinceAnalyze = 0;
    client
      .exec('ANALYZE')
      .catch((error: Error) => onError(error))
      .finally(() => (analyzing = false));
  };
  /** Wraps a client's or a transaction's query and exec to count what they write. */
  const counted = <T extends Pick<PGlite, 'query' | 'exec'>>(target: T): T => {
    const methods = target as unknown as Record<'query' | 'exec', Statement>;
    for (const name of ['query', 'exec'] as const) {
      const run = methods[name].bind(target);
      methods[name] = async (...args) => {
        const result = await run(...args);
        count(result);
        return result;
      };
    }
    return target;
  };
  counted(client);
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(fn: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => fn(counted(tx)));
}
