import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { probeCells, TIMBRE_CELLS, timbreCell } from './timbre-cell.js';
import { TIMBRE_DIMENSIONS, timbreSimilarity } from './timbre-vector.js';

/** A clustered set: `clusters` centres, members scattered around them, unit vectors. */
function clusteredSet(count: number, clusters: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: TIMBRE_DIMENSIONS }, gauss)),
  );
  return Array.from({ length: count }, (_, i) =>
    unit(centres[i % clusters]!.map((x) => x + 0.12 * gauss())),
  );
}

describe('timbre cells', () => {
  const set = clusteredSet(4000, 40, 7);
  const cells = set.map(timbreCell);

  it('are whole numbers within range, the same for one vector', () => {
    for (const c of cells) expect(c >= 0 && c < TIMBRE_CELLS && Number.isInteger(c)).toBe(true);
    expect(timbreCell(set[0]!)).toBe(cells[0]);
  });

  it('probe the own cell first, each cell once', () => {
    const probes = probeCells(set[0]!, TIMBRE_CELLS);
    expect(probes[0]).toBe(cells[0]);
    expect(new Set(probes).size).toBe(TIMBRE_CELLS);
  });

  it('find most of the exact top 10 reading an eighth of the cells', () => {
    let found = 0;
    let wanted = 0;
    let read = 0;
    const queries = set.slice(0, 200);
    for (const q of queries) {
      const rank = (ids: number[]) =>
        ids
          .map((id) => ({ id, s: timbreSimilarity(q, set[id]!) }))
          .sort((a, b) => b.s - a.s)
          .slice(1, 11)
          .map((r) => r.id);
      const exact = rank(set.map((_, id) => id));
      const probed = new Set(probeCells(q, TIMBRE_CELLS / 8));
      const candidates = set.map((_, id) => id).filter((id) => probed.has(cells[id]!));
      read += candidates.length;
      const approx = new Set(rank(candidates));
      found += exact.filter((id) => approx.has(id)).length;
      wanted += exact.length;
    }
    expect(found / wanted).toBeGreaterThanOrEqual(0.9);
    // An index, not a scan: far fewer rows read than the set holds.
    expect(read / queries.length).toBeLessThan(set.length / 3);
  });
});
