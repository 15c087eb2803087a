import { probeCells, TIMBRE_CELLS, timbreSimilarity } from '../../../shared/analysis/index.js';
import type { TimbreRepository, TimbreRow } from './timbre.repository.js';

/** Cells a query reads first; measured by `npm run bench:similar` (recall and time, BENCHMARKS.md). */
export const FIRST_PROBE_CELLS = 24;
/**
 * Candidates a query wants before it ranks: with fewer (a small library, a sparse corner of a
 * large one), it reads twice as many cells, up to all of them.
 */
const ENOUGH_CANDIDATES = 400;

/** A file close in timbre, with its similarity 0..1 (timbreSimilarity). */
export interface TimbreNeighbour extends TimbreRow {
  similarity: number;
}

/** The `limit` rows closest to `vector`, closest first (ties by id, so answers are stable). */
export function rankByTimbre(
  vector: ArrayLike<number>,
  rows: TimbreRow[],
  limit: number,
): TimbreNeighbour[] {
  return rows
    .map((row) => ({ ...row, similarity: timbreSimilarity(vector, row.timbre) }))
    .sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit);
}

/**
 * The owner's `limit` files closest in timbre to `vector` (file `fileId`, left out), through the
 * cell index: the rows of the likeliest cells, more cells while there are too few, ranked
 * exactly. Approximate: a neighbour in a cell not read is missed (the bench measures how often).
 */
export async function timbreNeighbours(
  repo: TimbreRepository,
  ownerId: string,
  fileId: string,
  vector: ArrayLike<number>,
  limit: number,
): Promise<TimbreNeighbour[]> {
  const order = probeCells(vector, TIMBRE_CELLS);
  const rows: TimbreRow[] = [];
  let read = 0;
  for (let want = FIRST_PROBE_CELLS; read < TIMBRE_CELLS; want *= 2) {
    const cells = order.slice(read, Math.min(TIMBRE_CELLS, want));
    rows.push(...(await repo.inCells(ownerId, cells, fileId)));
    read += cells.length;
    if (rows.length >= ENOUGH_CANDIDATES) break;
  }
  return rankByTimbre(vector, rows, limit);
}
