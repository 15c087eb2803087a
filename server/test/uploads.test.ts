import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestResponseSchema } from '../../shared/schemas/index.js';
import {
  api,
  databaseKinds,
  fixtureEntries,
  listLibrary,
  startTestServer,
  tusUpload,
  type TestServer,
} from './harness.js';

const KICK = 'oneshots/Kick_03.wav';
const KICK_MP3 = 'dupes/Kick_03.mp3';
const KICK_48K = 'dupes/Kick 03 (48k).wav';
const LOOP = 'loops/Bass+Drums 140 Abm.wav';
const PAD = 'loops/DarkPad Am 90 BPM.wav';

async function newJob(t: TestServer, token: string, body: unknown = {}) {
  return (await api(t.url, token).init(body)).body.job_id as string;
}

async function ingest(
  t: TestServer,
  token: string,
  jobId: string,
  entries: unknown[],
  last = false,
) {
  const res = await api(t.url, token).ingest({ job_id: jobId, entries, last });
  expect(res.status).toBe(200);
  return ingestResponseSchema.parse(res.body);
}

describe.each(databaseKinds())('uploads on %s', (kind) => {
  let t: TestServer;
  let fx: Record<string, { entry: any; file: string }>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const paths = [KICK, KICK_MP3, KICK_48K, LOOP, PAD];
    const analysed = await fixtureEntries(paths);
    fx = Object.fromEntries(paths.map((p, i) => [p, analysed[i]!]));
  });
  afterAll(async () => t?.close());

  it('two clients racing with the same sound end with one asset and one duplicate', async () => {
    const token = await t.addUser('racer');
    // Two jobs (two machines) each think the sound is new: neither library nor job knows it.
    const jobA = await newJob(t, token);
    const jobB = await newJob(t, token);
    const a = await ingest(t, token, jobA, [fx[KICK]!.entry], true);
    const b = await ingest(t, token, jobB, [fx[KICK_48K]!.entry], true);
    expect(a.items[0]?.upload).toBe(true);
    expect(b.items[0]?.upload).toBe(true);

    const results = await Promise.all([
      tusUpload(t.url, token, a.items[0]!.entry_id!, await readFile(fx[KICK]!.file)).promise,
      tusUpload(t.url, token, b.items[0]!.entry_id!, await readFile(fx[KICK_48K]!.file)).promise,
    ]);
    expect(results.map((r) => r.state).sort()).toEqual(['done', 'duplicate']);
    expect(await listLibrary(t.url, token)).toHaveLength(1);
    const statuses = await Promise.all(
      [jobA, jobB].map(async (id) => (await api(t.url, token).status(id)).body),
    );
    expect(statuses.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(statuses.reduce((n, s) => n + s.totals.completed, 0)).toBe(1);
    expect(statuses.reduce((n, s) => n + s.totals.duplicates, 0)).toBe(1);
  });

  it('two uploads of identical bytes racing end with one asset (the unique constraint holds)', async () => {
    const token = await t.addUser('twins');
    const jobs = [await newJob(t, token), await newJob(t, token)];
    const items = await Promise.all(jobs.map((j) => ingest(t, token, j, [fx[LOOP]!.entry], true)));
    const bytes = await readFile(fx[LOOP]!.file);
    const results = await Promise.all(
      items.map(
        (i) =>
          tusUpload(t.url, token, i.items[0]!.entry_id!, bytes, { chunkSize: 32 * 1024 }).promise,
      ),
    );
    expect(results.map((r) => r.state).sort()).toEqual(['done', 'duplicate']);
    expect(await listLibrary(t.url, token)).toHaveLength(1);
  });

  it('resumes an interrupted upload from the offset the server holds', async () => {
    const token = await t.addUser('flaky');
    const jobId = await newJob(t, token);
    const answer = await ingest(t, token, jobId, [fx[PAD]!.entry], true);
    const entryId = answer.items[0]!.entry_id!;
    const bytes = await readFile(fx[PAD]!.file);
    const chunkSize = 16 * 1024;
    const first = tusUpload(t.url, token, entryId, bytes, {
      chunkSize,
      stopAfterBytes: 3 * chunkSize,
    });
    const stopped = (await first.promise.catch((e: unknown) => e)) as {
      stopped?: boolean;
      url?: string;
    };
    expect(stopped.stopped).toBe(true);
    const uploadUrl = stopped.url!;

    const head = await fetch(uploadUrl, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    const offset = Number(head.headers.get('upload-offset'));
    // The chunk in flight when the client stopped may be lost; those before it are kept.
    expect(offset).toBeGreaterThanOrEqual(chunkSize);
    expect(offset).toBeLessThan(bytes.length);
    expect((await api(t.url, token).status(jobId)).body.totals.processing).toBe(1);

    const progress: number[] = [];
    const resumed = await tusUpload(t.url, token, entryId, bytes, {
      chunkSize,
      uploadUrl,
      onProgress: (sent) => progress.push(sent),
    }).promise;
    expect(resumed.state).toBe('done');
    // Nothing before the offset was sent again.
    expect(Math.min(...progress)).toBeGreaterThanOrEqual(offset);
    expect(progress.at(-1)).toBe(bytes.length);
    const [asset] = await listLibrary(t.url, token);
    expect(asset.content_hash).toBe(fx[PAD]!.entry.content_hash);
    expect(asset.size_bytes).toBe(bytes.length);
    expect((await api(t.url, token).status(jobId)).body.status).toBe('completed');
  });

  it('resumes an upload across a server restart', async () => {
    const token = await t.addUser('restart');
    const jobId = await newJob(t, token);
    const answer = await ingest(t, token, jobId, [fx[LOOP]!.entry], true);
    const bytes = await readFile(fx[LOOP]!.file);
    const chunkSize = 32 * 1024;
    const stopped = (await tusUpload(t.url, token, answer.items[0]!.entry_id!, bytes, {
      chunkSize,
      stopAfterBytes: chunkSize,
    }).promise.catch((e: unknown) => e)) as { url?: string };
    await t.restart();
    const resumed = await tusUpload(t.url, token, answer.items[0]!.entry_id!, bytes, {
      chunkSize,
      uploadUrl: stopped.url!,
    }).promise;
    expect(resumed.state).toBe('done');
    expect((await api(t.url, token).status(jobId)).body.status).toBe('completed');
  });

  it('on_duplicate replace puts the new file in the place of the same sound in the library', async () => {
    const token = await t.addUser('replacer');
    const first = await ingest(t, token, await newJob(t, token), [fx[KICK]!.entry], true);
    await tusUpload(t.url, token, first.items[0]!.entry_id!, await readFile(fx[KICK]!.file))
      .promise;
    const [original] = await listLibrary(t.url, token);
    const me = await fetch(`${t.url}/trpc/me`, { headers: { authorization: `Bearer ${token}` } });
    const ownerId = (await me.json()).result.data.id as string;
    const objectPath = (hash: string) =>
      join(t.dataDir, 'objects', ownerId, hash.slice(0, 2), hash);
    expect(existsSync(objectPath(original.content_hash))).toBe(true);

    const jobId = await newJob(t, token, { on_duplicate: 'replace' });
    const answer = await ingest(t, token, jobId, [fx[KICK_MP3]!.entry], true);
    expect(answer.items[0]?.upload).toBe(true);
    const done = await tusUpload(
      t.url,
      token,
      answer.items[0]!.entry_id!,
      await readFile(fx[KICK_MP3]!.file),
    ).promise;
    expect(done.state).toBe('done');
    const library = await listLibrary(t.url, token);
    expect(library).toHaveLength(1);
    expect(library[0].id).toBe(original.id);
    expect(library[0].content_hash).toBe(fx[KICK_MP3]!.entry.content_hash);
    expect(library[0].format).toBe('mp3');
    expect(existsSync(objectPath(original.content_hash))).toBe(false);
    expect(existsSync(objectPath(library[0].content_hash))).toBe(true);
  });

  it('on_duplicate keep-both stores the same sound twice, but never the same bytes', async () => {
    const token = await t.addUser('keeper');
    const first = await ingest(t, token, await newJob(t, token), [fx[KICK]!.entry], true);
    await tusUpload(t.url, token, first.items[0]!.entry_id!, await readFile(fx[KICK]!.file))
      .promise;
    const jobId = await newJob(t, token, { on_duplicate: 'keep-both' });
    const answer = await ingest(
      t,
      token,
      jobId,
      [fx[KICK_MP3]!.entry, { ...fx[KICK]!.entry, path: 'copy.wav' }],
      true,
    );
    expect(answer.items.map((i) => i.state)).toEqual(['pending_upload', 'duplicate']);
    await tusUpload(t.url, token, answer.items[0]!.entry_id!, await readFile(fx[KICK_MP3]!.file))
      .promise;
    expect(await listLibrary(t.url, token)).toHaveLength(2);
  });
});

describe('expired uploads', () => {
  it('are removed, and their entries wait for a new upload', async () => {
    // An expiry of 1.8 s: the upload below goes quiet, then the clean-up finds it expired.
    const t = await startTestServer('pglite', { UPLOAD_EXPIRY_HOURS: '0.0005' });
    try {
      const token = await t.addUser('slow');
      const [pad] = await fixtureEntries([PAD]);
      const jobId = await newJob(t, token);
      const answer = await ingest(t, token, jobId, [pad!.entry], true);
      const bytes = await readFile(pad!.file);
      const stopped = (await tusUpload(t.url, token, answer.items[0]!.entry_id!, bytes, {
        chunkSize: 16 * 1024,
        stopAfterBytes: 16 * 1024,
      }).promise.catch((e: unknown) => e)) as { url?: string };
      const uploadId = stopped.url!.split('/').pop()!;
      expect(existsSync(join(t.dataDir, 'uploads', uploadId))).toBe(true);
      expect((await api(t.url, token).status(jobId)).body.totals.processing).toBe(1);

      await new Promise((r) => setTimeout(r, 2500));
      await t.server.cleanUpUploads();
      expect(existsSync(join(t.dataDir, 'uploads', uploadId))).toBe(false);
      const status = (await api(t.url, token).status(jobId)).body;
      expect(status.totals).toMatchObject({ queued: 1, processing: 0 });
      // A new upload of the entry then completes the job.
      const done = await tusUpload(t.url, token, answer.items[0]!.entry_id!, bytes).promise;
      expect(done.state).toBe('done');
    } finally {
      await t.close();
    }
  });
});
