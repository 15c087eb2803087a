import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../server/src/db/database.js';
import { users } from '../../server/src/db/schema.js';
import { TimbreRepository } from '../../server/src/library/timbre.repository.js';
import { nearestByTimbre, rankByTimbre } from '../../server/src/library/timbre-search.js';
import { percentile } from '../percentile.js';
import { generatedVectors, insertLibrary } from './generated-library.js';

/** Neighbours a query asks for (what the library page lists by timbre). */
const K = 10;

export interface QuerySpeed {
  sounds: number;
  queries: number;
  database: string;
  indexMs: { median: number; p95: number };
  scanMs: { median: number; p95: number };
  /** Rows the index read per query, on average (the scan reads every row). */
  rowsRead: number;
  /** Share of the exact top K the index found. */
  recallAtK: number;
  /** Queries the full scan was timed on (every SCAN_EVERY-th: at 100,000 sounds each takes seconds). */
  scanQueries: number;
}

/** The full scan is timed on every this many queries; recall is computed for all, in memory. */
const SCAN_EVERY = 4;

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/**
 * Builds a PGlite library of `sounds` generated rows (a fresh server database, its migrations
 * applied) whose vectors are `bases` moved by Gaussian noise of `spread`, then times `queries`
 * similar-sounds queries through the cell index (the server's path: nearestByTimbre) and, on
 * every SCAN_EVERY-th, through a full scan ranked exactly, and compares the index's answers
 * with the exact ones.
 */
export async function measureQuerySpeed(
  bases: Float32Array[],
  spread: number,
  sounds: number,
  queries: number,
  log: (line: string) => void,
): Promise<QuerySpeed> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sm-bench-similar-'));
  const database = await openDatabase({ databaseUrl: null, dataDir });
  try {
    const { db } = database;
    const [owner] = await db.insert(users).values({ name: 'bench' }).returning({ id: users.id });
    const vectors = generatedVectors(bases, sounds, spread, sounds);
    const ids = await insertLibrary(db, owner!.id, vectors, (done) => {
      if (done % 20_000 === 0 || done === sounds) log(`  ${done} of ${sounds} rows stored`);
    });
    await db.execute(sql`analyze audio_files`);
    const repo = new TimbreRepository(db);
    const countingRepo = Object.create(repo) as TimbreRepository;
    let rowsRead = 0;
    countingRepo.candidates = async (...args) => {
      const rows = await repo.candidates(...args);
      rowsRead += rows.length;
      return rows;
    };
    const indexMs: number[] = [];
    const scanMs: number[] = [];
    let found = 0;
    for (let q = 0; q < queries; q++) {
      const at = Math.floor(((q + 0.5) * sounds) / queries);
      const id = ids[at]!;
      const vector = vectors[at]!;
      let start = performance.now();
      const near = await nearestByTimbre(countingRepo, owner!.id, id, vector, K);
      indexMs.push(performance.now() - start);
      if (q % SCAN_EVERY === 0) {
        start = performance.now();
        rankByTimbre(vector, await repo.candidates(owner!.id, id, 'all'), K);
        scanMs.push(performance.now() - start);
      }
      // The exact answer from the vectors in memory (the rows' ids are in insertion order).
      const others = vectors.flatMap((timbre, i) => (i === at ? [] : [{ id: ids[i]!, timbre }]));
      const exact = rankByTimbre(vector, others, K);
      const got = new Set(near.map((n) => n.id));
      found += exact.filter((e) => got.has(e.id)).length;
    }
    return {
      sounds,
      queries,
      database: 'PGlite',
      indexMs: stats(indexMs),
      scanMs: stats(scanMs),
      rowsRead: rowsRead / queries,
      recallAtK: found / (queries * K),
      scanQueries: scanMs.length,
    };
  } finally {
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
