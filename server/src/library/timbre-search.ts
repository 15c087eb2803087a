import { probeCells, TIMBRE_CELLS, timbreSimilarity } from '../../../shared/analysis/index.js';
import type { TimbreCandidate, TimbreListing, TimbreRepository } from './timbre.repository.js';

/** Cells a query reads first; measured by `npm run bench:similar` (recall and time, BENCHMARKS.md). */
export const FIRST_PROBE_CELLS = 16;
/**
 * Candidates a query wants before it ranks: with fewer (a small library, a sparse corner of a
 * large one), it reads twice as many cells, up to all of them.
 */
const ENOUGH_CANDIDATES = 4000;

/** A file close in timbre, with its similarity 0..1 (timbreSimilarity). */
export interface TimbreMatch {
  id: string;
  similarity: number;
}

/** A file close in timbre with what an answer shows of it. */
export type TimbreNeighbour = TimbreListing & TimbreMatch;

/** The `limit` candidates closest to `vector`, closest first (ties by id, so answers are stable). */
export function rankByTimbre(
  vector: ArrayLike<number>,
  candidates: TimbreCandidate[],
  limit: number,
): TimbreMatch[] {
  return candidates
    .map(({ id, timbre }) => ({ id, similarity: timbreSimilarity(vector, timbre) }))
    .sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit);
}

/**
 * The owner's `limit` files closest in timbre to `vector` (file `fileId` left out) through the
 * cell index: the rows of the likeliest cells, more cells while there are too few, ranked
 * exactly. Approximate: a neighbour in a cell not read is missed (the bench measures how often).
 */
export async function nearestByTimbre(
  repo: TimbreRepository,
  ownerId: string,
  fileId: string,
  vector: ArrayLike<number>,
  limit: number,
): Promise<TimbreMatch[]> {
  const order = probeCells(vector, TIMBRE_CELLS);
  const candidates: TimbreCandidate[] = [];
  let read = 0;
  for (let want = FIRST_PROBE_CELLS; read < TIMBRE_CELLS; want *= 2) {
    const cells = order.slice(read, Math.min(TIMBRE_CELLS, want));
    candidates.push(...(await repo.candidates(ownerId, fileId, cells)));
    read += cells.length;
    if (candidates.length >= ENOUGH_CANDIDATES) break;
  }
  return rankByTimbre(vector, candidates, limit);
}

/** {@link nearestByTimbre} with what an answer shows of each file. */
export async function timbreNeighbours(
  repo: TimbreRepository,
  ownerId: string,
  fileId: string,
  vector: ArrayLike<number>,
  limit: number,
): Promise<TimbreNeighbour[]> {
  const near = await nearestByTimbre(repo, ownerId, fileId, vector, limit);
  const listings = await repo.listingsOf(near.map((n) => n.id));
  return near.flatMap((n) => {
    const listing = listings.get(n.id);
    return listing ? [{ ...listing, ...n }] : [];
  });
}
