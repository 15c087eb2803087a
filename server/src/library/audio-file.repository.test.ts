import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOUND_CANDIDATE_POOL } from '../../../shared/analysis/index.js';
import type { FingerprintInput } from '../../../shared/schemas/index.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { audioFiles, users } from '../db/schema.js';
import { AudioFileRepository, type SoundLookup } from './audio-file.repository.js';

/** 16 index keys of one neighbourhood; `shared` of them in common with `keysOf(0)`. */
const keysOf = (group: number, shared = 16) =>
  Array.from({ length: 16 }, (_, i) => (i < shared ? `k${i}g0` : `k${i}g${group}`));

/** What a lookup reads of a fingerprint: its trimmed duration and edge uncertainty. */
const lookup = (durationMs: number, keys: string[]): SoundLookup => ({
  fingerprint: { durationMs, edgeMs: 2 } as FingerprintInput,
  keys,
});

describe('AudioFileRepository: candidates of many lookups read at once', () => {
  let handle: DatabaseHandle;
  let dir: string;
  let repo: AudioFileRepository;
  let ownerId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sm-candidates-'));
    handle = await openDatabase({ databaseUrl: null, dataDir: dir });
    repo = new AudioFileRepository(handle.db);
    ownerId = (await handle.db.insert(users).values({ name: 'ann' }).returning())[0]!.id;
    const [other] = await handle.db.insert(users).values({ name: 'ben' }).returning();
    const rows: (typeof audioFiles.$inferInsert)[] = [];
    let n = 0;
    const add = (owner: string, keys: string[], durationMs: number) =>
      rows.push({
        ownerId: owner,
        contentHash: `h${n++}`,
        fingerprintKeys: keys,
        fpDurationMs: durationMs,
        fpEdgeMs: 2,
        fpProfile: 'AAAA',
        sizeBytes: 1,
        originalPath: `f${n}.wav`,
        objectKey: `o${n}`,
      });
    // Around 500 ms: 40 sharing every key, 40 sharing 12, 40 sharing 4; 40 sharing every key
    // but ten times as long; 40 sharing none; another user's 40 sharing every key.
    for (let i = 0; i < 40; i++) {
      const jitter = (i % 10) / 2;
      add(ownerId, keysOf(0), 500 + jitter);
      add(ownerId, keysOf(1, 12), 500 + jitter);
      add(ownerId, keysOf(2, 4), 500 - jitter);
      add(ownerId, keysOf(0), 5000 + jitter);
      add(ownerId, keysOf(3, 0), 500);
      add(other!.id, keysOf(0), 500);
    }
    await handle.db.insert(audioFiles).values(rows);
  }, 60_000);

  afterAll(async () => {
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sharedCounts = async (ids: string[], keys: string[]) => {
    const rows = await handle.db.select().from(audioFiles);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!.fingerprintKeys.filter((k, i) => k === keys[i]).length);
  };

  it('pools each lookup as a query of its own would: the same files, most shared keys first', async () => {
    const lookups = [
      lookup(502, keysOf(0)),
      lookup(502, keysOf(1, 0)),
      lookup(5002, keysOf(0)),
      lookup(30_000, keysOf(0)),
    ];
    const together = await repo.findSoundCandidatesOfMany(ownerId, lookups);
    expect(together).toHaveLength(lookups.length);
    for (const [i, { fingerprint, keys }] of lookups.entries()) {
      const alone = await repo.findSoundCandidates(ownerId, fingerprint, keys);
      const ids = together[i]!.map((c) => c.id);
      expect(new Set(ids)).toEqual(new Set(alone.map((c) => c.id)));
      const counts = await sharedCounts(ids, keys);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(together[i]!.every((c) => c.profile === 'AAAA')).toBe(true);
    }
    // Around 500 ms: the three groups sharing keys, every key first; not the long files, nor
    // those sharing no key, nor ben's.
    expect(together[0]).toHaveLength(120);
    expect(
      await sharedCounts(
        together[0]!.slice(0, 40).map((c) => c.id),
        keysOf(0),
      ),
    ).toEqual(Array(40).fill(16));
    expect(
      await sharedCounts(
        together[1]!.map((c) => c.id),
        keysOf(1, 0),
      ),
    ).toEqual(Array(40).fill(4));
    expect(together[2]).toHaveLength(40);
    expect(together[3]).toEqual([]);
  });

  it('asks the database once per lookup when more files share their keys than their pools hold', async () => {
    const rows = Array.from({ length: 2 * SOUND_CANDIDATE_POOL }, (_, i) => ({
      ownerId,
      contentHash: `crowd${i}`,
      fingerprintKeys: keysOf(9, 15),
      fpDurationMs: 700,
      fpEdgeMs: 2,
      fpProfile: 'BBBB',
      sizeBytes: 1,
      originalPath: `crowd${i}.wav`,
      objectKey: `crowd${i}`,
    }));
    await handle.db.insert(audioFiles).values(rows);
    const pools = await repo.findSoundCandidatesOfMany(ownerId, [
      lookup(700, keysOf(9, 15)),
      lookup(700, keysOf(9, 15)),
    ]);
    for (const pool of pools) {
      expect(pool).toHaveLength(SOUND_CANDIDATE_POOL);
      expect(
        new Set(
          await sharedCounts(
            pool.map((c) => c.id),
            keysOf(9, 15),
          ),
        ),
      ).toEqual(new Set([16]));
    }
  });
});
