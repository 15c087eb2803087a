import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  databaseKinds,
  fixtureEntries,
  startTestServer,
  tusUpload,
  type TestServer,
} from './harness.js';
import { jobStatusResponseSchema, ingestResponseSchema } from '../../shared/schemas/index.js';

// Real fixtures with known truth: Kick_03.wav and its re-encodes are one sound; Kick 03 (48k)
// is the same sound resampled; Piano_C4.aifc is another sound.
const KICK = 'oneshots/Kick_03.wav';
const KICK_MP3 = 'dupes/Kick_03.mp3';
const KICK_COPY_BYTES = 'dupes/Kick_03_hot.wav';
const PIANO = 'oneshots/Piano_C4.aifc';
const LOOP = 'loops';

describe.each(databaseKinds())('import job lifecycle on %s', (kind) => {
  let t: TestServer;
  let token: string;
  let fixtures: Awaited<ReturnType<typeof fixtureEntries>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    token = await t.addUser('ana');
    fixtures = await fixtureEntries([KICK, KICK_MP3, PIANO]);
  });
  afterAll(async () => t?.close());

  it('goes queued → running → completed, uploads new sounds and marks the re-encode a duplicate', async () => {
    const client = api(t.url, token);
    const init = await client.init({ source: 'test' });
    expect(init.status).toBe(201);
    const jobId = init.body.job_id as string;
    expect((await client.status(jobId)).body.status).toBe('queued');

    const ingest = await client.ingest({
      job_id: jobId,
      entries: fixtures.map((f) => f.entry),
      last: true,
    });
    expect(ingest.status).toBe(200);
    const answer = ingestResponseSchema.parse(ingest.body);
    expect(answer.accepted).toBe(3);
    const [kick, kickMp3, piano] = answer.items;
    expect(kick?.state).toBe('pending_upload');
    expect(kick?.upload).toBe(true);
    expect(kickMp3?.state).toBe('duplicate');
    expect(kickMp3?.duplicate_of).toMatchObject({
      entry_id: kick?.entry_id,
      match: 'sound',
      path: KICK,
    });
    expect(piano?.upload).toBe(true);
    expect(answer.job.status).toBe('running');
    expect(answer.job.totals).toEqual({
      queued: 2,
      processing: 0,
      completed: 0,
      duplicates: 1,
      failed: 0,
      similar: 0,
    });

    for (const [item, fixture] of [
      [kick, fixtures[0]],
      [piano, fixtures[2]],
    ] as const) {
      const bytes = await readFile(fixture!.file);
      const done = await tusUpload(t.url, token, item!.entry_id!, bytes, { chunkSize: 64 * 1024 })
        .promise;
      expect(done.state).toBe('done');
    }
    const status = jobStatusResponseSchema.parse((await client.status(jobId)).body);
    expect(status.status).toBe('completed');
    expect(status.totals).toEqual({
      queued: 0,
      processing: 0,
      completed: 2,
      duplicates: 1,
      failed: 0,
      similar: 0,
    });
    expect(status.errors).toEqual([]);
  });

  it('answers a second job against the library: identical bytes and the same sound are duplicates', async () => {
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const [again] = await fixtureEntries([KICK_MP3]);
    const entries = [{ ...fixtures[0]!.entry, path: 'elsewhere/kick.wav' }, again!.entry];
    const answer = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries, last: true })).body,
    );
    expect(answer.items.map((i) => [i.state, i.duplicate_of?.match])).toEqual([
      ['duplicate', 'content'],
      ['duplicate', 'sound'],
    ]);
    expect(answer.items[0]?.duplicate_of?.path).toBe(KICK);
    expect(answer.job.status).toBe('completed');
  });

  it('is idempotent: the same entry sent again gets the same answer and changes nothing', async () => {
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const entry = { ...fixtures[2]!.entry, path: 'again/piano.aifc' };
    const otherSound = (await fixtureEntries([KICK_COPY_BYTES]))[0]!.entry;
    const first = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries: [otherSound] })).body,
    );
    const second = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries: [otherSound, entry] })).body,
    );
    expect(second.items[0]?.entry_id).toBe(first.items[0]?.entry_id);
    expect(second.items[0]?.state).toBe(first.items[0]?.state);
    const before = (await client.status(jobId)).body.totals;
    await client.ingest({ job_id: jobId, entries: [otherSound, entry] });
    expect((await client.status(jobId)).body.totals).toEqual(before);
  });

  it('cancels: waiting entries end cancelled and the job takes no more uploads or entries', async () => {
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const [loop] = await fixtureEntries([`${LOOP}/${'Loop_128bpm_F#min.wav'}`]);
    const answer = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries: [loop!.entry] })).body,
    );
    const cancelled = await client.cancel(jobId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.totals.queued).toBe(0);
    const upload = tusUpload(t.url, token, answer.items[0]!.entry_id!, await readFile(loop!.file));
    await expect(upload.promise).rejects.toThrow(/409[\s\S]*cancelled/);
    expect((await client.ingest({ job_id: jobId, entries: [] })).status).toBe(409);
  });

  it('fails a job whose every entry failed, and lists each reason', async () => {
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const entries = [
      { status: 'error', path: 'bad/truncated.flac', error: 'FLAC stream ends inside a frame' },
      { status: 'error', path: 'bad/random.wav', error: 'not audio: no RIFF header' },
    ];
    const answer = await client.ingest({ job_id: jobId, entries, last: true });
    expect(answer.body.job.status).toBe('failed');
    expect(answer.body.job.errors).toEqual([
      { path: 'bad/truncated.flac', reason: 'FLAC stream ends inside a frame' },
      { path: 'bad/random.wav', reason: 'not audio: no RIFF header' },
    ]);
  });

  it('takes the new content of a changed file that says which content it supersedes', async () => {
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const [hat, clap] = await fixtureEntries([
      'oneshots/Open Hat 01.flac',
      'oneshots/CLAP_808_24bit.wav',
    ]);
    const path = 'edited/hit.wav';
    const first = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries: [{ ...hat!.entry, path }] })).body,
    );
    const oldHash = (hat!.entry as { content_hash: string }).content_hash;
    const changed = { ...clap!.entry, path, supersedes: oldHash };
    const second = ingestResponseSchema.parse(
      (await client.ingest({ job_id: jobId, entries: [changed] })).body,
    );
    expect(second.items[0]).toMatchObject({
      ok: true,
      entry_id: first.items[0]!.entry_id,
      upload: true,
    });
    const bytes = await readFile(clap!.file);
    const upload = tusUpload(t.url, token, first.items[0]!.entry_id!, bytes);
    expect((await upload.promise).state).toBe('done');
    // Once stored, that content is no longer replaced within this job.
    const clapHash = (clap!.entry as { content_hash: string }).content_hash;
    const late = ingestResponseSchema.parse(
      (
        await client.ingest({
          job_id: jobId,
          entries: [{ ...hat!.entry, path, supersedes: clapHash }],
          last: true,
        })
      ).body,
    );
    expect(late.items[0]).toMatchObject({ ok: false, status_code: 409 });
    expect(late.items[0]?.reason).toMatch(/is done; import the new content in a new job/);
    expect((await client.status(jobId)).body.status).toBe('completed');
  });
});
