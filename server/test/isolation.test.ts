import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  databaseKinds,
  fixtureEntries,
  startTestServer,
  tusUpload,
  type ApiAnswer,
  type TestServer,
  uploadRefusal,
} from './harness.js';
import {
  apiErrorSchema,
  checkResponseSchema,
  ingestResponseSchema,
  jobStatusResponseSchema,
  type ManifestEntry,
} from '../../shared/schemas/index.js';

// Kick_03.mp3 is the same sound as Kick_03.wav (other bytes); Piano_C4.aifc is another sound.
const KICK = 'oneshots/Kick_03.wav';
const KICK_MP3 = 'dupes/Kick_03.mp3';
const PIANO = 'oneshots/Piano_C4.aifc';
const CLAP = 'oneshots/CLAP_808_24bit.wav';

const BASE = '/api/v1/audio/bulk-import';

/** A tRPC call over HTTP as the web app makes it (no transformer, no batching). */
async function trpc(
  baseUrl: string,
  token: string | null,
  type: 'query' | 'mutation',
  path: string,
  input: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const res =
    type === 'query'
      ? await fetch(
          input === undefined
            ? `${baseUrl}/trpc/${path}`
            : `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
          { headers },
        )
      : await fetch(`${baseUrl}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
  return { status: res.status, body: await res.json() };
}

const jobIdsOf = (jobs: unknown) => (jobs as { job_id: string }[]).map((j) => j.job_id);

describe.each(databaseKinds())('isolation between users on %s', (kind) => {
  let t: TestServer;
  let tokenA: string;
  let tokenB: string;
  let fixtures: Record<string, { entry: ManifestEntry; file: string }>;
  /** A's job: Kick uploaded, Piano still waiting for its upload, so the job is running. */
  let jobA: string;
  let kickA: string;
  let pianoA: string;
  let kickAssetA: string;

  const hashOf = (path: string) => {
    const entry = fixtures[path]?.entry;
    if (entry?.status !== 'ok') throw new Error(`fixture ${path} did not analyse`);
    return entry.content_hash;
  };
  const fingerprintOf = (path: string) => {
    const entry = fixtures[path]?.entry;
    if (entry?.status !== 'ok' || !entry.fingerprint) throw new Error(`no fingerprint: ${path}`);
    return entry.fingerprint;
  };
  const bytesOf = (path: string) => readFile(fixtures[path]!.file);
  const statusOf = async (jobId: string, token: string) => {
    const answer = await api(t.url, token).status(jobId);
    expect(answer.status).toBe(200);
    return jobStatusResponseSchema.parse(answer.body);
  };
  const libraryOf = async (token: string) => {
    const answer = await trpc(t.url, token, 'query', 'library.list', { limit: 500 });
    expect(answer.status).toBe(200);
    return (answer.body.result.data.items as { id: string; path: string; content_hash: string }[])
      .map((f) => ({ id: f.id, path: f.path, content_hash: f.content_hash }))
      .sort((a, b) => a.path.localeCompare(b.path));
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    tokenA = await t.addUser('alice');
    tokenB = await t.addUser('bob');
    const analysed = await fixtureEntries([KICK, KICK_MP3, PIANO, CLAP]);
    fixtures = Object.fromEntries(analysed.map((f) => [f.entry.path, f]));

    const a = api(t.url, tokenA);
    jobA = (await a.init({ source: 'alice' })).body.job_id as string;
    const ingest = ingestResponseSchema.parse(
      (
        await a.ingest({
          job_id: jobA,
          entries: [fixtures[KICK]!.entry, fixtures[PIANO]!.entry],
          last: true,
        })
      ).body,
    );
    kickA = ingest.items[0]!.entry_id!;
    pianoA = ingest.items[1]!.entry_id!;
    const done = await tusUpload(t.url, tokenA, kickA, await bytesOf(KICK)).promise;
    expect(done.state).toBe('done');
    const library = await libraryOf(tokenA);
    expect(library.map((f) => f.path)).toEqual([KICK]);
    kickAssetA = library[0]!.id;
    expect((await statusOf(jobA, tokenA)).status).toBe('running');
  });
  afterAll(async () => t?.close());

  it("answers B's status, cancel, retry, events and ingest on A's job with 404, as for an unknown job", async () => {
    const b = api(t.url, tokenB);
    const before = await statusOf(jobA, tokenA);
    const unknown = randomUUID();
    const shape = (answer: ApiAnswer, id: string) => ({
      status: answer.status,
      body: JSON.parse(JSON.stringify(answer.body).replaceAll(id, '<job>')) as unknown,
    });
    const requests: [string, (id: string) => Promise<ApiAnswer>][] = [
      ['status', (id) => b.status(id)],
      ['cancel', (id) => b.cancel(id)],
      ['retry', (id) => b.retry(id)],
      ['events', (id) => b.call('GET', `${BASE}/${id}/events`)],
      ['ingest', (id) => b.ingest({ job_id: id, entries: [fixtures[CLAP]!.entry] })],
      ['ingest last', (id) => b.ingest({ job_id: id, entries: [], last: true })],
    ];
    for (const [what, send] of requests) {
      const answer = await send(jobA);
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(404);
      const { error } = apiErrorSchema.parse(answer.body);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/there is no import job/);
      expect(shape(answer, jobA), what).toEqual(shape(await send(unknown), unknown));
    }
    // A's job is as it was: not cancelled, no entry of B's, manifest not reopened or closed.
    expect(await statusOf(jobA, tokenA)).toEqual(before);
    const jobsOfB = await b.call('GET', `${BASE}/jobs`);
    expect(jobsOfB.status).toBe(200);
    expect(jobIdsOf(jobsOfB.body.jobs)).not.toContain(jobA);
  });

  it("refuses B's uploads to A's entries and to A's upload in progress with 404", async () => {
    const piano = await bytesOf(PIANO);
    const refused = await uploadRefusal(tusUpload(t.url, tokenB, pianoA, piano).promise);
    expect(refused.status).toBe(404);
    expect(refused.message).toMatch(/there is no import entry/);

    // A starts the piano upload and stops half-way; B tries to read, continue and end it.
    let url: string | null = null;
    try {
      await tusUpload(t.url, tokenA, pianoA, piano, {
        chunkSize: 16 * 1024,
        stopAfterBytes: 32 * 1024,
      }).promise;
    } catch (error) {
      expect((error as { stopped?: boolean }).stopped).toBe(true);
      url = (error as { url: string }).url;
    }
    expect(url).toMatch(/\/api\/v1\/uploads\/\S+$/);
    const asB = (
      method: string,
      extra: Record<string, string> = {},
      body?: Uint8Array<ArrayBuffer>,
    ) =>
      fetch(url!, {
        method,
        headers: { authorization: `Bearer ${tokenB}`, 'tus-resumable': '1.0.0', ...extra },
        body,
      });
    const head = await asB('HEAD');
    expect(head.status).toBe(404);
    expect(head.headers.get('upload-offset')).toBeNull();
    const patch = await asB(
      'PATCH',
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      Uint8Array.from(piano.subarray(0, 1024)),
    );
    expect(patch.status).toBe(404);
    expect(await patch.text()).toMatch(/there is no upload/);
    const del = await asB('DELETE');
    expect(del.status).toBe(404);

    // A resumes where it stopped and completes.
    const done = await tusUpload(t.url, tokenA, pianoA, piano, { uploadUrl: url }).promise;
    expect(done.state).toBe('done');
    const status = await statusOf(jobA, tokenA);
    expect(status.status).toBe('completed');
    expect(status.totals).toEqual({
      queued: 0,
      processing: 0,
      completed: 2,
      duplicates: 0,
      failed: 0,
      similar: 0,
    });
    expect((await libraryOf(tokenA)).map((f) => f.path)).toEqual([PIANO, KICK].sort());
    expect(await libraryOf(tokenB)).toEqual([]);
  });

  it("never tells B of A's files: A's sound is new to B, B stores it too, once for each user", async () => {
    const item = { id: 'kick', content_hash: hashOf(KICK), fingerprint: fingerprintOf(KICK) };
    const sameSound = {
      id: 'kick-mp3',
      content_hash: hashOf(KICK_MP3),
      fingerprint: fingerprintOf(KICK_MP3),
    };
    // For A the kick is known (identical bytes, and the mp3 as the same sound) ...
    const checkA = checkResponseSchema.parse(
      (await api(t.url, tokenA).check({ items: [item, sameSound] })).body,
    );
    expect(checkA.results).toEqual([
      {
        id: 'kick',
        action: 'reject',
        reason: 'duplicate',
        asset_id: kickAssetA,
        match: 'content',
        similar_to: [],
      },
      {
        id: 'kick-mp3',
        action: 'reject',
        reason: 'duplicate',
        asset_id: kickAssetA,
        match: 'sound',
        similar_to: [],
      },
    ]);
    // ... for B it is not.
    const b = api(t.url, tokenB);
    const checkB = checkResponseSchema.parse((await b.check({ items: [item, sameSound] })).body);
    expect(checkB.results).toEqual([
      { id: 'kick', action: 'accept', reason: null, asset_id: null, match: null, similar_to: [] },
      {
        id: 'kick-mp3',
        action: 'accept',
        reason: null,
        asset_id: null,
        match: null,
        similar_to: [],
      },
    ]);

    const jobB = (await b.init({ source: 'bob' })).body.job_id as string;
    const ingest = ingestResponseSchema.parse(
      (
        await b.ingest({
          job_id: jobB,
          entries: [fixtures[KICK]!.entry, fixtures[KICK_MP3]!.entry],
          last: true,
        })
      ).body,
    );
    const [kickB, mp3B] = ingest.items;
    expect(kickB).toMatchObject({ ok: true, state: 'pending_upload', upload: true });
    expect(kickB?.duplicate_of).toBeNull();
    // The mp3 is the same sound as B's own kick of this job, not as A's library file.
    expect(mp3B).toMatchObject({ ok: true, state: 'duplicate', upload: false });
    expect(mp3B?.duplicate_of).toEqual({
      asset_id: null,
      entry_id: kickB?.entry_id,
      path: KICK,
      match: 'sound',
    });
    expect(JSON.stringify(ingest)).not.toContain(kickAssetA);

    const done = await tusUpload(t.url, tokenB, kickB!.entry_id!, await bytesOf(KICK)).promise;
    expect(done.state).toBe('done');
    expect((await statusOf(jobB, tokenB)).status).toBe('completed');

    const libraryA = await libraryOf(tokenA);
    const libraryB = await libraryOf(tokenB);
    expect(libraryB).toHaveLength(1);
    expect(libraryB[0]).toMatchObject({ path: KICK, content_hash: hashOf(KICK) });
    expect(libraryB[0]!.id).not.toBe(kickAssetA);
    expect(libraryA.filter((f) => f.content_hash === hashOf(KICK))).toEqual([
      { id: kickAssetA, path: KICK, content_hash: hashOf(KICK) },
    ]);
    // Now each user's check answers with that user's own file.
    const againB = checkResponseSchema.parse((await b.check({ items: [item] })).body);
    expect(againB.results[0]).toMatchObject({ action: 'reject', asset_id: libraryB[0]!.id });
    const againA = checkResponseSchema.parse(
      (await api(t.url, tokenA).check({ items: [item] })).body,
    );
    expect(againA.results[0]).toMatchObject({ action: 'reject', asset_id: kickAssetA });
  });

  it("answers B's tRPC calls on A's job with NOT_FOUND", async () => {
    const before = await statusOf(jobA, tokenA);
    const input = { job_id: jobA };
    const own = await trpc(t.url, tokenA, 'query', 'bulkImport.status', input);
    expect(own.status).toBe(200);
    expect(own.body.result.data.job_id).toBe(jobA);

    const calls: ['query' | 'mutation', string, unknown][] = [
      ['query', 'bulkImport.status', input],
      ['mutation', 'bulkImport.cancel', input],
      ['mutation', 'bulkImport.retry', input],
      ['mutation', 'bulkImport.ingest', { ...input, entries: [fixtures[CLAP]!.entry] }],
    ];
    for (const [type, path, body] of calls) {
      const answer = await trpc(t.url, tokenB, type, path, body);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(404);
      expect(answer.body.error.data.code).toBe('NOT_FOUND');
      expect(answer.body.error.message).toMatch(/there is no import job/);
      expect(JSON.stringify(answer.body)).not.toContain('alice');
    }
    const list = await trpc(t.url, tokenB, 'query', 'bulkImport.list', undefined);
    expect(list.status).toBe(200);
    expect(jobIdsOf(list.body.result.data)).not.toContain(jobA);
    const library = await trpc(t.url, tokenB, 'query', 'library.list', {});
    expect(library.status).toBe(200);
    expect((library.body.result.data.items as { id: string }[]).map((f) => f.id)).not.toContain(
      kickAssetA,
    );
    expect(await statusOf(jobA, tokenA)).toEqual(before);
  });

  it('answers tRPC calls without a valid token with 401', async () => {
    const input = { job_id: jobA };
    const jobsOf = async (token: string) =>
      ((await api(t.url, token).call('GET', `${BASE}/jobs`)).body.jobs as unknown[]).length;
    const before = { a: await jobsOf(tokenA), b: await jobsOf(tokenB) };
    for (const token of [null, `smt_${'A'.repeat(43)}`]) {
      for (const [type, path, body] of [
        ['query', 'bulkImport.status', input],
        ['query', 'me', undefined],
        ['query', 'library.list', {}],
        ['mutation', 'bulkImport.init', {}],
        ['mutation', 'bulkImport.cancel', input],
      ] as const) {
        const answer = await trpc(t.url, token, type, path, body);
        expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(401);
        expect(answer.body.error.data.code).toBe('UNAUTHORIZED');
        expect(answer.body.error.message).toMatch(token ? /token is not valid/ : /no token/);
      }
    }
    expect({ a: await jobsOf(tokenA), b: await jobsOf(tokenB) }).toEqual(before);
  });
});
