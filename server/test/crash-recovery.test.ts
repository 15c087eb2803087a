import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestResponseSchema } from '../../shared/schemas/index.js';
import { uploadFile } from '../../shared/uploads/tus-upload.js';
import {
  api,
  databaseKinds,
  fixtureEntries,
  listLibrary,
  startTestServer,
  tusCreate,
  tusUpload,
  type TestServer,
} from './harness.js';

// What a crash between a file's last byte and its commit leaves, and what the server and the
// shared upload helper make of it. The fault-injection suites (cli/src/commands/import-faults,
// e2e/faults) kill real processes at each point; these tests make each state directly.

const KICK = 'oneshots/Kick_03.wav';
const PAD = 'loops/DarkPad Am 90 BPM.wav';
const LOOP = 'loops/Bass+Drums 140 Abm.wav';

/** xxh64 of no bytes at all. */
const XXH64_EMPTY = 'ef46db3751d8e999';

/** The same bytes but the last, as a file damaged in transit. */
function flipLastByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt8(copy.readUInt8(copy.length - 1) ^ 0xff, copy.length - 1);
  return copy;
}

describe.each(databaseKinds())('crash recovery on %s', (kind) => {
  let t: TestServer;
  let fx: Record<string, { entry: any; file: string; bytes: Buffer }>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const paths = [KICK, PAD, LOOP];
    const analysed = await fixtureEntries(paths);
    fx = Object.fromEntries(
      await Promise.all(
        paths.map(async (p, i) => [
          p,
          { ...analysed[i]!, bytes: await readFile(analysed[i]!.file) },
        ]),
      ),
    );
  });
  afterAll(async () => t?.close());

  /** A new user, a job and one entry waiting for its bytes. */
  async function waitingEntry(path: string, name: string) {
    const token = await t.addUser(name);
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const res = await client.ingest({ job_id: jobId, entries: [fx[path]!.entry], last: true });
    const entryId = ingestResponseSchema.parse(res.body).items[0]!.entry_id!;
    return { token, client, jobId, entryId };
  }

  /**
   * The state a crash between the last byte and the commit leaves: a tus upload created for the
   * entry (POST), and every byte on disk, written there directly, as a PATCH that got them all in
   * before the process died would have.
   */
  async function uploadLeftUncommitted(token: string, entryId: string, bytes: Buffer) {
    const created = await tusCreate(t.url, token, entryId, bytes.length);
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, t.url).href;
    const uploadId = url.split('/').pop()!;
    await writeFile(join(t.dataDir, 'uploads', uploadId), bytes);
    return { url, uploadId };
  }

  const libraryBytes = async (token: string, assetId: string) => {
    const res = await fetch(`${t.url}/api/v1/audio/files/${assetId}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  it('a resumed upload whose bytes all arrived but were never committed is committed before it is called complete', async () => {
    const { token, client, jobId, entryId } = await waitingEntry(PAD, 'head-commit');
    const { bytes } = fx[PAD]!;
    const { url, uploadId } = await uploadLeftUncommitted(token, entryId, bytes);
    expect((await client.status(jobId)).body.totals.processing).toBe(1);

    // The shared helper (CLI and wizard) resumes the URL: the server holds every byte, and must
    // commit them before it says so.
    const progress: number[] = [];
    const result = await uploadFile({
      endpoint: `${t.url}/api/v1/uploads`,
      input: bytes,
      headers: { authorization: `Bearer ${token}` },
      size: bytes.length,
      entryId,
      uploadUrl: url,
      chunkBytes: 64 * 1024,
      onUrl: () => {},
      onProgress: (sent) => progress.push(sent),
    }).promise;
    expect(result).toMatchObject({ ok: true, state: 'done' });
    expect(Math.min(...progress), 'no byte sent again').toBe(bytes.length);

    const status = (await client.status(jobId)).body;
    expect(status).toMatchObject({ status: 'completed', totals: { completed: 1, processing: 0 } });
    const asset = (await listLibrary(t.url, token))[0]!;
    expect(asset.content_hash).toBe(fx[PAD]!.entry.content_hash);
    expect((await libraryBytes(token, asset.id)).equals(bytes)).toBe(true);
    expect(existsSync(join(t.dataDir, 'uploads', uploadId)), 'the upload is removed').toBe(false);

    // Asked again (a client that lost the answer), the same upload answers the same outcome.
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(bytes.length));
    expect(head.headers.get('x-entry-state')).toBe('done');
    expect(head.headers.get('x-asset-id')).toBe(asset.id);
  });

  it('a server started with an upload complete on disk but uncommitted commits it at start', async () => {
    const { token, client, jobId, entryId } = await waitingEntry(LOOP, 'start-commit');
    const { uploadId } = await uploadLeftUncommitted(token, entryId, fx[LOOP]!.bytes);
    await t.restart();
    const status = (await client.status(jobId)).body;
    expect(status).toMatchObject({ status: 'completed', totals: { completed: 1, processing: 0 } });
    const asset = (await listLibrary(t.url, token))[0]!;
    expect((await libraryBytes(token, asset.id)).equals(fx[LOOP]!.bytes)).toBe(true);
    const left = (await readdir(join(t.dataDir, 'uploads'))).filter((n) => n.startsWith(uploadId));
    expect(left).toEqual([]);
  });

  it('bytes that do not match, complete but uncommitted, fail the entry at resume instead of passing for complete', async () => {
    const { token, client, jobId, entryId } = await waitingEntry(KICK, 'head-mismatch');
    const wrong = flipLastByte(fx[KICK]!.bytes);
    const { url } = await uploadLeftUncommitted(token, entryId, wrong);
    const result = await uploadFile({
      endpoint: `${t.url}/api/v1/uploads`,
      input: wrong,
      headers: { authorization: `Bearer ${token}` },
      size: wrong.length,
      entryId,
      uploadUrl: url,
      chunkBytes: 64 * 1024,
      onUrl: () => {},
      onProgress: () => {},
    }).promise;
    // The HEAD fails the entry (422); tus-js-client then tries a new upload, which the server
    // refuses (409) with the entry's reason.
    expect(result.ok).toBe(false);
    expect(result.status).toBe(409);
    expect(result.reason).toMatch(
      /is failed \(the uploaded bytes have xxh64 .* not the declared content_hash/,
    );
    const status = (await client.status(jobId)).body;
    expect(status.totals).toMatchObject({ completed: 0, failed: 1 });
    expect(await listLibrary(t.url, token)).toEqual([]);
  });

  it('a cancelled entry stays cancelled when a stale upload of it finishes with wrong bytes', async () => {
    const { token, client, jobId, entryId } = await waitingEntry(PAD, 'stale');
    const bytes = fx[PAD]!.bytes;
    const chunkSize = 16 * 1024;
    const stopped = (await tusUpload(t.url, token, entryId, bytes, {
      chunkSize,
      stopAfterBytes: chunkSize,
    }).promise.catch((e: unknown) => e)) as { url?: string };
    expect((await client.cancel(jobId)).status).toBe(200);

    const wrong = flipLastByte(bytes);
    const late = await tusUpload(t.url, token, entryId, wrong, {
      chunkSize,
      uploadUrl: stopped.url!,
    }).promise.catch((e: unknown) => e as Error);
    expect(late).toBeInstanceOf(Error);
    const after = (await client.status(jobId)).body;
    expect(after.status).toBe('cancelled');
    expect(after.totals.failed).toBe(0);
    expect(after.errors).toEqual([]);
    const snapshot = await t.server.services.jobs.snapshot(
      (await t.server.services.auth.userForToken(token))!,
      jobId,
    );
    expect(snapshot.files.map((f) => f.state)).toEqual(['cancelled']);
  });

  it('an upload that carries every byte in its creation request is committed and answered 201', async () => {
    const { token, client, jobId, entryId } = await waitingEntry(KICK, 'one-request');
    const bytes = fx[KICK]!.bytes;
    const res = await tusCreate(t.url, token, entryId, bytes.length, bytes);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-entry-state')).toBe('done');
    expect(res.headers.get('upload-offset')).toBe(String(bytes.length));
    // Once answered, the upload is removed: its bytes are in the library.
    const uploadId = res.headers.get('location')!.split('/').pop()!;
    await expect
      .poll(async () =>
        (await readdir(join(t.dataDir, 'uploads'))).filter((n) => n.startsWith(uploadId)),
      )
      .toEqual([]);
    expect((await client.status(jobId)).body).toMatchObject({
      status: 'completed',
      totals: { completed: 1 },
    });
    const asset = (await listLibrary(t.url, token))[0]!;
    expect((await libraryBytes(token, asset.id)).equals(bytes)).toBe(true);
  });

  it('a 0-byte upload is committed at its creation and answered 201', async () => {
    const token = await t.addUser('empty');
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    // A client may declare an empty file; its one request carries every byte there is.
    const entry = {
      ...fx[KICK]!.entry,
      path: 'empty.wav',
      size_bytes: 0,
      content_hash: XXH64_EMPTY,
    };
    const res = await client.ingest({ job_id: jobId, entries: [entry], last: true });
    const entryId = ingestResponseSchema.parse(res.body).items[0]!.entry_id!;
    const created = await tusCreate(t.url, token, entryId, 0);
    expect(created.status).toBe(201);
    expect(created.headers.get('x-entry-state')).toBe('done');
    expect((await client.status(jobId)).body.totals.completed).toBe(1);
  });

  it('a manifest batch sent again after it closed the manifest is answered as before; a new file is refused', async () => {
    const token = await t.addUser('lost-answer');
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const batch = { job_id: jobId, entries: [fx[KICK]!.entry, fx[PAD]!.entry], last: true };
    const first = await client.ingest(batch);
    expect(first.status).toBe(200);
    const again = await client.ingest(batch);
    expect(again.status).toBe(200);
    const ids = (body: unknown) => ingestResponseSchema.parse(body).items.map((i) => i.entry_id);
    expect(ids(again.body)).toEqual(ids(first.body));
    expect((await client.status(jobId)).body.totals.queued).toBe(2);

    const more = await client.ingest({ job_id: jobId, entries: [fx[LOOP]!.entry], last: true });
    expect(more.status).toBe(409);
    expect(more.body.error.message).toMatch(/took its last manifest batch/);
  });
});
