import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
  tusCreate,
  tusUpload,
  uploadRefusal,
  type TestServer,
} from './harness.js';

// Quotas hold on every path: a replacement, uploads parked half-way, many uploads at once, and
// uploads a client abandoned for another of the same entry.

const KICK = 'oneshots/Kick_03.wav';
const PAD = 'loops/DarkPad Am 90 BPM.wav';

describe.each(databaseKinds())('quotas on %s', (kind) => {
  let t: TestServer;
  let fx: Record<string, { entry: any; bytes: Buffer }>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const analysed = await fixtureEntries([KICK, PAD]);
    fx = {
      [KICK]: { entry: analysed[0]!.entry, bytes: await readFile(analysed[0]!.file) },
      [PAD]: { entry: analysed[1]!.entry, bytes: await readFile(analysed[1]!.file) },
    };
  });
  afterAll(async () => t?.close());

  async function job(token: string, onDuplicate = 'skip') {
    return (await api(t.url, token).init({ on_duplicate: onDuplicate })).body.job_id as string;
  }

  async function ingestOne(token: string, jobId: string, entry: unknown, last = true) {
    const res = await api(t.url, token).ingest({ job_id: jobId, entries: [entry], last });
    expect(res.status).toBe(200);
    return ingestResponseSchema.parse(res.body).items[0]!;
  }

  /** A tus creation request for the entry, with no bytes yet; the answer's status and upload id. */
  async function createUpload(token: string, entryId: string, size: number) {
    const res = await tusCreate(t.url, token, entryId, size);
    return {
      status: res.status,
      body: await res.text(),
      uploadId: res.headers.get('location')?.split('/').pop() ?? null,
    };
  }

  it('a replacement is held to the quota: other bytes declared as the same sound cannot grow the library past it', async () => {
    const kick = fx[KICK]!;
    const pad = fx[PAD]!;
    const token = await t.addUser('replacer', { quotaBytes: kick.bytes.length + 1000 });
    const first = await job(token);
    const stored = await ingestOne(token, first, kick.entry);
    await tusUpload(t.url, token, stored.entry_id!, kick.bytes).promise;
    expect(await listLibrary(t.url, token)).toHaveLength(1);

    // The pad's bytes, declared with the kick's fingerprint: the server takes it for the kick's
    // sound, and `replace` would put 350 kB in the place of 26 kB.
    const forged = {
      ...kick.entry,
      path: 'forged.wav',
      content_hash: pad.entry.content_hash,
      size_bytes: pad.bytes.length,
    };
    const replacing = await job(token, 'replace');
    const item = await ingestOne(token, replacing, forged);
    expect(item.upload).toBe(true);
    const refusal = await uploadRefusal(tusUpload(t.url, token, item.entry_id!, pad.bytes).promise);
    expect(refusal.status).toBe(413);
    expect(refusal.message).toMatch(/byte quota exceeded: .*replacing a file of/);
    const library = await listLibrary(t.url, token);
    expect(library.map((a) => a.content_hash)).toEqual([kick.entry.content_hash]);
  });

  it('a replacement within the quota still replaces', async () => {
    const kick = fx[KICK]!;
    const pad = fx[PAD]!;
    // Room for the pad alone: the kick it replaces is freed.
    const token = await t.addUser('fair-replacer', { quotaBytes: pad.bytes.length + 1000 });
    const first = await job(token);
    const stored = await ingestOne(token, first, kick.entry);
    await tusUpload(t.url, token, stored.entry_id!, kick.bytes).promise;
    const replacing = await job(token, 'replace');
    const forged = {
      ...kick.entry,
      path: 'other.wav',
      content_hash: pad.entry.content_hash,
      size_bytes: pad.bytes.length,
    };
    const item = await ingestOne(token, replacing, forged);
    const done = await tusUpload(t.url, token, item.entry_id!, pad.bytes).promise;
    expect(done.state).toBe('done');
    const library = await listLibrary(t.url, token);
    expect(library.map((a) => a.content_hash)).toEqual([pad.entry.content_hash]);
  });

  it('uploads parked half-way count against the quota: one more that would pass it is refused', async () => {
    const pad = fx[PAD]!;
    // Room for two pads, not three, counting what is on its way.
    const token = await t.addUser('parker', { quotaBytes: 2 * pad.bytes.length + 1000 });
    const jobId = await job(token, 'keep-both');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const entry = {
        ...pad.entry,
        path: `parked ${i}.wav`,
        content_hash: randomBytes(8).toString('hex'),
      };
      const item = await ingestOne(token, jobId, entry, false);
      expect(item.upload).toBe(true);
      const created = await createUpload(token, item.entry_id!, pad.bytes.length);
      statuses.push(created.status);
      if (created.status === 413) expect(created.body).toMatch(/being uploaded/);
    }
    expect(statuses).toEqual([201, 201, 413]);
  });

  it('at most 32 uploads of one user are in progress at once', async () => {
    const kick = fx[KICK]!;
    const token = await t.addUser('hoarder');
    const jobId = await job(token, 'keep-both');
    const entries = Array.from({ length: 33 }, (_, i) => ({
      ...kick.entry,
      path: `hit ${String(i).padStart(2, '0')}.wav`,
      content_hash: randomBytes(8).toString('hex'),
    }));
    const res = await api(t.url, token).ingest({ job_id: jobId, entries, last: true });
    const items = ingestResponseSchema.parse(res.body).items;
    expect(items.every((i) => i.upload)).toBe(true);
    const statuses = [];
    for (const item of items)
      statuses.push((await createUpload(token, item.entry_id!, kick.bytes.length)).status);
    expect(statuses.slice(0, 32).every((s) => s === 201)).toBe(true);
    expect(statuses[32]).toBe(413);
    // Another user is not held by this one's uploads.
    const other = await t.addUser('neighbour');
    const otherJob = await job(other);
    const item = await ingestOne(other, otherJob, kick.entry);
    expect((await createUpload(other, item.entry_id!, kick.bytes.length)).status).toBe(201);
  });

  it("an upload abandoned for another of the same entry is deleted at once, not left for a day's sweep", async () => {
    const pad = fx[PAD]!;
    const token = await t.addUser('restarter');
    const jobId = await job(token);
    const item = await ingestOne(token, jobId, pad.entry);
    const uploads = join(t.dataDir, 'uploads');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const stopped = (await tusUpload(t.url, token, item.entry_id!, pad.bytes, {
        chunkSize: 16 * 1024,
        stopAfterBytes: 16 * 1024,
      }).promise.catch((e: unknown) => e)) as { url?: string };
      made.push(stopped.url!.split('/').pop()!);
    }
    const left = made.filter((id) => existsSync(join(uploads, id)));
    expect(left).toEqual([made.at(-1)]);
  });
});
