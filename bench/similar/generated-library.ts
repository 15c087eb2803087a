import xxhash from 'xxhash-wasm';
import { timbreCell, timbreVector } from '../../shared/analysis/index.js';
import { mulberry32 } from '../../shared/analysis/prng.js';
import type { Database } from '../../server/src/db/database.js';
import { audioFiles } from '../../server/src/db/schema.js';
import { timbreText } from '../../server/src/library/timbre-columns.js';
import { syntheticSound } from '../server-sounds.js';

/** Rows inserted per statement (within the protocol's parameter limit). */
const INSERT_ROWS = 1000;

/**
 * Timbre vectors of `bases` synthetic sounds (the server benchmark's: hits, noise bursts and
 * mixes of random duration, pitch and envelope), analysed as sm-import analyses them.
 */
export async function baseVectors(bases: number): Promise<Float32Array[]> {
  const hasher = await xxhash();
  return Array.from({ length: bases }, (_, seed) =>
    timbreVector(syntheticSound(hasher, seed).fingerprint),
  );
}

/**
 * `count` generated timbre vectors: each a base vector moved by Gaussian noise of `spread` per
 * dimension and normalised again, so that the library has clusters (variations of one sound)
 * spread over the space of real ones. Deterministic for a seed.
 */
export function generatedVectors(
  bases: Float32Array[],
  count: number,
  spread: number,
  seed: number,
): Float32Array[] {
  const rng = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: count }, () => {
    const base = bases[Math.floor(rng() * bases.length)]!;
    const v = base.map((x) => x + spread * gauss());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/**
 * Inserts one library row per vector for `ownerId`, with its timbre columns (no fingerprint:
 * the query reads only the vector and what a listing shows). Returns the rows' ids in order.
 */
export async function insertLibrary(
  db: Database,
  ownerId: string,
  vectors: Float32Array[],
  progress: (done: number) => void,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < vectors.length; i += INSERT_ROWS) {
    const rows = vectors.slice(i, i + INSERT_ROWS).map((v, j) => ({
      ownerId,
      contentHash: (i + j).toString(16).padStart(16, '0'),
      sizeBytes: 100_000,
      originalPath: `Generated/${i + j}.wav`,
      objectKey: `generated/${i + j}`,
      kind: 'one-shot',
      durationS: 0.5,
      timbre: timbreText(v),
      timbreCell: timbreCell(v),
    }));
    const inserted = await db.insert(audioFiles).values(rows).returning({ id: audioFiles.id });
    ids.push(...inserted.map((r) => r.id));
    progress(ids.length);
  }
  return ids;
}
