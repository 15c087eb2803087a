import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import xxhash from 'xxhash-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEssentiaOnMainThread } from '../../shared/node/essentia.js';
import {
  analyseSource,
  type AnalyseSourceDeps,
  type ByteSource,
} from '../../shared/files/index.js';
import type { FingerprintInput, ManifestEntry } from '../../shared/schemas/index.js';
import { openDatabase } from '../src/db/database.js';
import { audioFiles } from '../src/db/schema.js';
import { fingerprintColumns } from '../src/library/fingerprint-columns.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { api, databaseKinds, fixtureEntries, FIXTURES, tusUpload } from './harness.js';

// A library stored by an earlier release holds version-1 fingerprints, which are never taken
// for a certain copy, version-2 ones without the decay's end (`tail`), which cannot keep edits
// of a hit apart, without `lossless`, which holds two lossless files to closer limits, or
// without `dcRemoved`, whose bands still hold a file's DC offset, or without `high`, which
// similar sounds read: the server re-fingerprints its files from their stored bytes. The built
// server runs in its own process (`npm test` builds first), so that it can be killed mid-task.

const LOOP = 'loops/Loop_128bpm_F#min.wav';
/** Stored with a version-2 fingerprint from before `tail`; PAD from before `lossless`; GUITAR
 * from before `dcRemoved`; HAT from before `high` only. */
const KICK = 'oneshots/Kick_03.wav';
const PAD = 'loops/DarkPad Am 90 BPM.wav';
const GUITAR = 'loops/Guitar A 92.5.wav';
const HAT = 'oneshots/Open Hat 01.flac';
const GOOD = [LOOP, KICK, PAD, GUITAR, HAT];
const DAMAGED = 'loops/Piano Loop C 120.wav';
const MISSING = 'loops/Marimba Ab 105.wav';
/** The loop re-encoded: the same sound by any listener's standard. */
const LOOP_MP3 = 'dupes/Loop_128bpm_F#min.mp3';
/** Each step starts the server (a few seconds each on a busy machine) and analyses files. */
const SLOW_MS = 240_000;

/**
 * The entry an earlier release's client sent: the same analysis, a version-1 fingerprint (for
 * KICK, version 2 without `tail`; for PAD, version 2 without `lossless`; for GUITAR, version 2
 * without `dcRemoved`; for HAT, version 2 without `high`). No release before `high` made it.
 */
function asEarlierRelease(entry: ManifestEntry): ManifestEntry {
  if (entry.status !== 'ok' || !entry.fingerprint)
    throw new Error(`${entry.path} has no fingerprint`);
  const { detail, tail, lossless, dcRemoved, high: _high, ...rest } = entry.fingerprint;
  const fingerprint =
    entry.path === HAT
      ? { ...rest, ...(detail ? { detail } : {}), tail, lossless, dcRemoved }
      : entry.path === KICK
        ? { ...rest, ...(detail ? { detail } : {}) }
        : entry.path === PAD
          ? { ...rest, ...(detail ? { detail } : {}), ...(tail ? { tail } : {}) }
          : entry.path === GUITAR
            ? { ...rest, ...(detail ? { detail } : {}), tail, lossless }
            : { ...rest, v: 1 as const };
  return { ...entry, fingerprint };
}

/**
 * Whether a stored row holds the fingerprint the analysis now makes (version 2 with `tail`,
 * `dcRemoved`, `high` and `lossless`, these being WAVs and a FLAC).
 */
const current = (row: Row) =>
  row.fingerprint?.v === 2 &&
  row.fingerprint.tail !== undefined &&
  row.fingerprint.dcRemoved === true &&
  row.fingerprint.high !== undefined &&
  row.fingerprint.lossless !== undefined;

let analysisDeps: Promise<AnalyseSourceDeps> | null = null;

/** The fingerprint the shared analysis core gives the file's bytes now (as the web app reads it). */
async function freshFingerprint(path: string): Promise<FingerprintInput | null> {
  analysisDeps ??= xxhash().then((hasher) => ({ hasher, essentia: loadEssentiaOnMainThread() }));
  const bytes = new Uint8Array(await readFile(join(FIXTURES, path)));
  const source: ByteSource = {
    path,
    sizeBytes: bytes.length,
    head: (n) => Promise.resolve(bytes.subarray(0, n)),
    whole: () => Promise.resolve(bytes),
    chunks: () => {
      throw new Error('a fixture is read whole');
    },
  };
  const result = await analyseSource(source, await analysisDeps);
  expect(result.status, result.error ?? '').toBe('ok');
  return result.analysis!.fingerprint;
}

type Row = typeof audioFiles.$inferSelect;

describe.each(databaseKinds())('re-fingerprinting stored files on %s', (kind) => {
  let child: ServerProcess;
  /** The library's rows by original path, as the old client stored them. */
  let stored: Map<string, Row>;

  /** The library's rows by original path; the server must be stopped (PGlite is one process's). */
  async function rows(): Promise<Map<string, Row>> {
    const database = await openDatabase({ databaseUrl: child.databaseUrl, dataDir: child.dataDir });
    try {
      const all = await database.db.select().from(audioFiles);
      return new Map(all.map((row) => [row.originalPath, row]));
    } finally {
      await database.close();
    }
  }

  const progress = async () => {
    const answer = await api(child.url, child.token).call('GET', '/api/v1/audio/refingerprint');
    expect(answer.status).toBe(200);
    return answer.body;
  };

  /** Whether the library finds the re-encoded loop a duplicate, by the preflight check. */
  async function copyCheck() {
    const [copy] = await fixtureEntries([LOOP_MP3]);
    const entry = copy!.entry;
    if (entry.status !== 'ok') throw new Error(entry.error);
    const answer = await api(child.url, child.token).check({
      items: [{ id: 'copy', content_hash: entry.content_hash, fingerprint: entry.fingerprint }],
    });
    expect(answer.status).toBe(200);
    return answer.body.results[0];
  }

  beforeAll(async () => {
    child = await startServerProcess({ database: kind, env: { SM_REFINGERPRINT: 'off' } });
    const client = api(child.url, child.token);
    const files = await fixtureEntries([...GOOD, DAMAGED, MISSING]);
    const jobId = (await client.init()).body.job_id as string;
    const answer = await client.ingest({
      job_id: jobId,
      entries: files.map((f) => asEarlierRelease(f.entry)),
      last: true,
    });
    expect(answer.status).toBe(200);
    for (const [i, item] of (
      answer.body.items as { entry_id: string; upload: boolean }[]
    ).entries()) {
      expect(item.upload, files[i]!.entry.path).toBe(true);
      const bytes = await readFile(files[i]!.file);
      const { state } = await tusUpload(child.url, child.token, item.entry_id, bytes).promise;
      expect(state).toBe('done');
    }
    await child.kill();
    stored = await rows();
    await child.restart({ SM_REFINGERPRINT: 'off' });
  }, SLOW_MS);
  afterAll(async () => child?.close());

  it('leaves outdated fingerprints as they are when SM_REFINGERPRINT=off, and finds no copy by them', async () => {
    expect(await progress()).toEqual({ state: 'off', pending: 7, refingerprinted: 0, failed: [] });
    const versions = [...stored].map(([path, row]) => [path, row.fingerprint?.v, current(row)]);
    expect(versions).toEqual(
      expect.arrayContaining([
        [KICK, 2, false],
        [PAD, 2, false],
        [GUITAR, 2, false],
        [HAT, 2, false],
        ...[LOOP, DAMAGED, MISSING].map((path) => [path, 1, false]),
      ]),
    );
    expect(await copyCheck()).toMatchObject({ action: 'accept', asset_id: null });
  });

  it(
    're-fingerprints them from their stored bytes, goes on after a kill, and skips unreadable objects',
    async () => {
      await child.kill();
      const objectPath = (path: string) =>
        join(child.dataDir, 'objects', stored.get(path)!.objectKey);
      const damaged = await readFile(objectPath(DAMAGED));
      await writeFile(objectPath(DAMAGED), randomBytes(damaged.length));
      await rm(objectPath(MISSING));

      // Killed right after its second file is written.
      await child.restart({ SM_FAILPOINT: 'server:refingerprinted@2' });
      expect((await child.exited()).signal).toBe('SIGKILL');
      const halfway = await rows();
      const doneBeforeKill = GOOD.filter((p) => current(halfway.get(p)!));
      expect(doneBeforeKill).toHaveLength(2);

      await child.restart();
      for (let tries = 0; (await progress()).state !== 'finished'; tries++) {
        expect(tries, child.log()).toBeLessThan(600);
        await sleep(100);
      }
      expect(await progress()).toEqual({
        state: 'finished',
        pending: 2,
        refingerprinted: 3,
        failed: expect.arrayContaining([
          {
            asset_id: stored.get(DAMAGED)!.id,
            path: DAMAGED,
            reason: expect.stringMatching(
              /^its stored bytes are damaged: they have xxh64 \w+, not /,
            ),
          },
          {
            asset_id: stored.get(MISSING)!.id,
            path: MISSING,
            reason: 'its stored object is missing from the data folder',
          },
        ]),
      });
      const log = child.log();
      expect(log).toContain('re-fingerprinting 5 stored files whose fingerprint is outdated');
      expect(log).toContain('re-fingerprinted 3 of 5 stored files; 2 could not be read or decoded');
      expect(log).toContain(`cannot re-fingerprint ${MISSING} (file ${stored.get(MISSING)!.id}):`);

      await child.kill();
      const after = await rows();
      for (const path of GOOD) {
        const row = after.get(path)!;
        const fresh = await freshFingerprint(path);
        expect(row.fingerprint, path).toEqual(fresh);
        expect(row, path).toMatchObject(fingerprintColumns(fresh)!);
        // Written once: the files done before the kill were not analysed again.
        if (doneBeforeKill.includes(path))
          expect(row.updatedAt, path).toEqual(halfway.get(path)!.updatedAt);
      }
      for (const path of [DAMAGED, MISSING])
        expect(after.get(path)!.fingerprint, path).toEqual(stored.get(path)!.fingerprint);
    },
    SLOW_MS,
  );

  it(
    'finds a re-encoded copy of a re-fingerprinted sound a duplicate by sound',
    async () => {
      await child.restart();
      expect(await copyCheck()).toMatchObject({
        action: 'reject',
        match: 'sound',
        asset_id: stored.get(LOOP)!.id,
      });
    },
    SLOW_MS,
  );

  it(
    'stops at once, and cleanly, when the server is stopped mid-task',
    async () => {
      await child.kill();
      const database = await openDatabase({
        databaseUrl: child.databaseUrl,
        dataDir: child.dataDir,
      });
      try {
        for (const path of GOOD) {
          const { id, fingerprint } = stored.get(path)!;
          await database.db.update(audioFiles).set({ fingerprint }).where(eq(audioFiles.id, id));
        }
      } finally {
        await database.close();
      }
      const from = child.log().length;
      await child.restart();
      // Stopped as soon as the task begins: its analysis thread is starting or on its first file.
      const line = 're-fingerprinting 7 stored files whose fingerprint is outdated';
      for (let tries = 0; !child.log().slice(from).includes(line); tries++) {
        expect(tries, child.log()).toBeLessThan(6000);
        await sleep(10);
      }
      // Answered only once sm-server's start-up is over, and with it the wait for its signal
      // handlers (a SIGTERM before them ends the process at once).
      expect(await progress()).toMatchObject({ state: 'running' });
      const asked = performance.now();
      await child.kill('SIGTERM');
      // The file in analysis is dropped, not finished (closing PGlite takes its share).
      expect(performance.now() - asked).toBeLessThan(10_000);
      expect(await child.exited(), child.log().slice(from)).toEqual({ code: 0, signal: null });
      expect(child.log().slice(from)).toMatch(
        /re-fingerprinting stopped at \d of 7 stored files; it goes on at the next start\n/,
      );
    },
    SLOW_MS,
  );
});
