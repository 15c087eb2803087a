import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EXCLUDED_SAMPLE } from '../../../shared/schemas/index.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createUnitOfWork, type UnitOfWork } from '../db/unit-of-work.js';

// The listing of a bucket job as recorded page by page: each page's excluded objects are
// counted once, however many listers record it and however often a listing resumes.

let dir: string;
let handle: DatabaseHandle;
let uow: UnitOfWork;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-bucket-source-'));
  handle = await openDatabase({ databaseUrl: null, dataDir: dir });
  uow = createUnitOfWork(handle.db);
}, 60_000);
afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

async function newSource(name: string): Promise<string> {
  const user = await uow.repos.users.create({ name, quotaBytes: null, quotaFiles: null });
  const job = await uow.repos.jobs.create({ ownerId: user!.id, source: null, onDuplicate: 'skip' });
  await uow.repos.bucketSources.create({
    jobId: job.id,
    ownerId: user!.id,
    bucket: 'samples',
    prefix: 'packs/',
    endpoint: null,
    region: 'us-east-1',
    credentials: null,
  });
  return job.id;
}

const reason = { pattern: '*.txt', source: '.smignore', line: 1 };
const excludedFile = (i: number) => ({ path: `notes/${String(i).padStart(4, '0')}.txt`, reason });
const object = (key: string) => ({ key: `packs/${key}`, sizeBytes: 10, etag: `"${key}"` });

describe('BucketSourceRepository.recordPage', () => {
  it('counts a page once: a page recorded again from the same token changes nothing', async () => {
    const jobId = await newSource('ana');
    const sources = uow.repos.bucketSources;
    const first = { objects: [object('a.wav')], excluded: [excludedFile(1)], next: 't1' };
    expect(await sources.recordPage(jobId, null, first)).toBe(true);
    // A second lister of the same job, or one that listed from where the row said before.
    expect(await sources.recordPage(jobId, null, first)).toBe(false);
    const last = { objects: [object('b.wav')], excluded: [excludedFile(2)], next: null };
    expect(await sources.recordPage(jobId, 't1', last)).toBe(true);
    expect(await sources.recordPage(jobId, 't1', last)).toBe(false);
    // An ended listing takes no more pages (the first token again included).
    expect(await sources.recordPage(jobId, null, first)).toBe(false);

    expect((await sources.listings([jobId])).get(jobId)).toEqual({
      listed: 2,
      listing_done: true,
      excluded: 2,
      excluded_sample: [excludedFile(1), excludedFile(2)],
    });
  });

  it('counts every excluded object and keeps the first MAX_EXCLUDED_SAMPLE', async () => {
    const jobId = await newSource('ben');
    const sources = uow.repos.bucketSources;
    const pages = [0, 1, 2].map((p) =>
      Array.from({ length: 60 }, (_, i) => excludedFile(p * 60 + i)),
    );
    await sources.recordPage(jobId, null, { objects: [], excluded: pages[0]!, next: 'p1' });
    await sources.recordPage(jobId, 'p1', { objects: [], excluded: pages[1]!, next: 'p2' });
    await sources.recordPage(jobId, 'p2', { objects: [], excluded: pages[2]!, next: null });
    const listing = (await sources.listings([jobId])).get(jobId)!;
    expect(listing.excluded).toBe(180);
    expect(listing.excluded_sample).toEqual(pages.flat().slice(0, MAX_EXCLUDED_SAMPLE));
    expect(listing.listed).toBe(0);
  });

  it('answers no listing for a job that imports no bucket', async () => {
    const user = await uow.repos.users.create({ name: 'cy', quotaBytes: null, quotaFiles: null });
    const job = await uow.repos.jobs.create({
      ownerId: user!.id,
      source: null,
      onDuplicate: 'skip',
    });
    expect((await uow.repos.bucketSources.listings([job.id])).has(job.id)).toBe(false);
  });
});
