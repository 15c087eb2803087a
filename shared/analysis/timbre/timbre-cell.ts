import { mulberry32 } from '../prng.js';
import { TIMBRE_DIMENSIONS } from './timbre-vector.js';

/**
 * The coarse quantiser of the similar-sounds index: a timbre vector's cell is the signs of its
 * projections on TIMBRE_CELL_BITS fixed random hyperplanes (seeded, the same in every release
 * that keeps TIMBRE_VERSION), 2^bits cells. Close vectors mostly share a cell or differ in the
 * bits whose projections are near zero; a query reads the cells it is likeliest to share with
 * its neighbours (multi-probe LSH) and ranks their rows exactly. 12 bits since TIMBRE_VERSION 3
 * (10 before): vector 3 gathers sounds of one kind more tightly; in a 100,000-sound library of
 * synthetic sounds a query read 34,000 rows on average at 10 bits and 18,000 at 12
 * (`npm run bench:similar -- --only speed`, BENCHMARKS.md).
 */
export const TIMBRE_CELL_BITS = 12;
export const TIMBRE_CELLS = 2 ** TIMBRE_CELL_BITS;

const HYPERPLANES: Float64Array[] = (() => {
  const rng = mulberry32(0x7153_b2e1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: TIMBRE_CELL_BITS }, () =>
    Float64Array.from({ length: TIMBRE_DIMENSIONS }, gauss),
  );
})();

function projections(vector: ArrayLike<number>): Float64Array {
  return Float64Array.from(HYPERPLANES, (plane) => {
    let dot = 0;
    for (let i = 0; i < TIMBRE_DIMENSIONS; i++) dot += plane[i]! * (vector[i] ?? 0);
    return dot;
  });
}

/** The cell of a timbre vector, 0..TIMBRE_CELLS-1. */
export function timbreCell(vector: ArrayLike<number>): number {
  let cell = 0;
  projections(vector).forEach((p, bit) => {
    if (p > 0) cell |= 1 << bit;
  });
  return cell;
}

/**
 * The `count` cells a query reads, likeliest first: its own cell, then cells reached by flipping
 * bits, ranked by the summed squared margins of the flipped bits' projections (a neighbour lies
 * across a hyperplane the query is near far more often than across one it is far from).
 */
export function probeCells(vector: ArrayLike<number>, count: number): number[] {
  const margins = projections(vector).map((p) => p * p);
  const own = timbreCell(vector);
  const cost = (flips: number) => {
    let c = 0;
    for (let bit = 0; bit < TIMBRE_CELL_BITS; bit++) if (flips & (1 << bit)) c += margins[bit]!;
    return c;
  };
  return Array.from({ length: TIMBRE_CELLS }, (_, flips) => flips)
    .sort((a, b) => cost(a) - cost(b) || a - b)
    .slice(0, Math.max(1, Math.min(TIMBRE_CELLS, count)))
    .map((flips) => own ^ flips);
}
