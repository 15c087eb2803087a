import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hat, kick } from '../../../shared/analysis/fingerprint/test-signals.js';
import { fingerprintOfPcm } from '../../../shared/analysis/fingerprint/test-variants.js';
import { TIMBRE_DIMENSIONS, timbreCell } from '../../../shared/analysis/index.js';
import { bytesToBase64 } from '../../../shared/analysis/fingerprint/base64.js';
import { mulberry32 } from '../../../shared/analysis/prng.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { audioFiles, users } from '../db/schema.js';
import { TimbreBackfill } from './timbre-backfill.js';
import { timbreColumns, timbreOfText, timbreText } from './timbre-columns.js';
import { nearestByTimbre, rankByTimbre } from './timbre-search.js';
import { TimbreRepository } from './timbre.repository.js';

/** `count` unit vectors around `clusters` random centres (a library of variations). */
function clustered(count: number, clusters: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: TIMBRE_DIMENSIONS }, gauss)),
  );
  return Array.from({ length: count }, (_, i) =>
    unit(centres[i % clusters]!.map((x) => x + 0.05 * gauss())),
  );
}

/** A vector as version 1 stored it: bare base64 of float32, 25 numbers. */
function earlierText(v: ArrayLike<number>): string {
  const bytes = new Uint8Array(25 * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 25; i++) view.setFloat32(i * 4, v[i] ?? 0, true);
  return bytesToBase64(bytes);
}

describe('TimbreRepository on a database', () => {
  let handle: DatabaseHandle;
  let dir: string;
  let repo: TimbreRepository;
  let ownerId: string;
  let otherId: string;
  const vectors = clustered(3000, 60, 5);
  const ids: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sm-timbre-'));
    handle = await openDatabase({ databaseUrl: null, dataDir: dir });
    repo = new TimbreRepository(handle.db);
    ownerId = (await handle.db.insert(users).values({ name: 'ann' }).returning())[0]!.id;
    otherId = (await handle.db.insert(users).values({ name: 'ben' }).returning())[0]!.id;
    const row = (owner: string, v: Float32Array, n: string) => ({
      ownerId: owner,
      contentHash: n,
      sizeBytes: 1,
      originalPath: `${n}.wav`,
      objectKey: n,
      timbre: timbreText(v),
      timbreCell: timbreCell(v),
    });
    for (let i = 0; i < vectors.length; i += 500) {
      const inserted = await handle.db
        .insert(audioFiles)
        .values(vectors.slice(i, i + 500).map((v, j) => row(ownerId, v, `a${i + j}`)))
        .returning({ id: audioFiles.id });
      ids.push(...inserted.map((r) => r.id));
    }
    // Another user's copies of the same vectors: never a candidate of the first user's queries.
    await handle.db
      .insert(audioFiles)
      .values(vectors.slice(0, 500).map((v, j) => row(otherId, v, `b${j}`)));
  });
  afterAll(async () => {
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a vector exactly, and reads one of an earlier version as none', () => {
    const v = vectors[0]!;
    expect(timbreOfText(timbreText(v))).toEqual(v);
    expect(timbreOfText(earlierText(v))).toBeNull();
    // Version 2 stored the same layout under its own prefix, with a metric fitted otherwise.
    const version2 = `2:${timbreText(v).slice(timbreText(v).indexOf(':') + 1)}`;
    expect(timbreOfText(version2)).toBeNull();
  });

  it("finds most of the exact top 10 through the cells, among the owner's files only", async () => {
    let found = 0;
    const queries = 30;
    for (let q = 0; q < queries; q++) {
      const at = q * 97;
      const near = await nearestByTimbre(repo, ownerId, ids[at]!, vectors[at]!, 10);
      const exact = rankByTimbre(vectors[at]!, await repo.candidates(ownerId, ids[at]!, 'all'), 10);
      expect(near).toHaveLength(10);
      for (const n of near) expect(ids).toContain(n.id);
      expect(near.map((n) => n.id)).not.toContain(ids[at]);
      const got = new Set(near.map((n) => n.id));
      found += exact.filter((e) => got.has(e.id)).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.9);
  });

  it('gives files stored without a vector theirs, from their fingerprint', async () => {
    const kickFp = fingerprintOfPcm({ samples: kick(44100), rate: 44100 });
    const hatFp = fingerprintOfPcm({ samples: hat(44100), rate: 44100 });
    const [a, b] = await handle.db
      .insert(audioFiles)
      .values(
        [kickFp, hatFp].map((fp, i) => ({
          ownerId,
          contentHash: `old${i}`,
          sizeBytes: 1,
          originalPath: `old${i}.wav`,
          objectKey: `old${i}`,
          fingerprint: fp,
        })),
      )
      .returning({ id: audioFiles.id });
    const backfill = new TimbreBackfill(repo);
    const lines: string[] = [];
    backfill.start((line) => lines.push(line));
    await backfill.whenDone();
    expect(lines).toEqual(['computed the timbre vectors of 2 stored files for similar sounds']);
    for (const [id, fp] of [
      [a!.id, kickFp],
      [b!.id, hatFp],
    ] as const) {
      const [row] = await handle.db.select().from(audioFiles).where(eq(audioFiles.id, id));
      expect(row).toMatchObject(timbreColumns(fp));
    }
    expect(await repo.missingAfter(null, 10)).toEqual([]);
  });

  it('computes again a vector of an earlier version, which no query reads meanwhile', async () => {
    const longKickFp = fingerprintOfPcm({ samples: kick(44100, { decayS: 0.4 }), rate: 44100 });
    const stale = vectors[1]!;
    const [old] = await handle.db
      .insert(audioFiles)
      .values({
        ownerId,
        contentHash: 'earlier',
        sizeBytes: 1,
        originalPath: 'earlier.wav',
        objectKey: 'earlier',
        fingerprint: longKickFp,
        timbre: earlierText(stale),
        timbreCell: timbreCell(stale),
      })
      .returning({ id: audioFiles.id });
    const all = await repo.candidates(ownerId, ids[0]!, 'all');
    expect(all.map((c) => c.id)).not.toContain(old!.id);
    expect(await repo.missingAfter(null, 10)).toEqual([{ id: old!.id, fingerprint: longKickFp }]);
    const backfill = new TimbreBackfill(repo);
    const lines: string[] = [];
    backfill.start((line) => lines.push(line));
    await backfill.whenDone();
    expect(lines).toEqual(['computed the timbre vectors of 1 stored files for similar sounds']);
    const [row] = await handle.db.select().from(audioFiles).where(eq(audioFiles.id, old!.id));
    expect(row).toMatchObject(timbreColumns(longKickFp));
    expect(timbreOfText(row!.timbre!)).toHaveLength(TIMBRE_DIMENSIONS);
    expect(await repo.missingAfter(null, 10)).toEqual([]);
  });
});
