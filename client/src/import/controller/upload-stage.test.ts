import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportApi } from '../../../../shared/import/index.js';
import type { JobStatusResponse } from '../../../../shared/schemas/index.js';
import type { UploadResult } from '../../../../shared/uploads/tus-upload.js';
import { ingestAnswer } from '../../../../testing/ingest-answers.js';
import type { FakeUpload } from '../../../../testing/fake-upload.js';
import { ImportQueue } from '../../queue/import-queue.js';
import { QueueDb } from '../../queue/queue-db.js';
import { ImportStore } from './import-store.js';
import { UploadStage } from './upload-stage.js';

const uploads = vi.hoisted(() => [] as FakeUpload[]);

vi.mock('../../../../shared/uploads/tus-upload.js', async () => {
  const { fakeUpload } = await import('../../../../testing/fake-upload.js');
  return {
    uploadFile: (options: {
      entryId: string;
      uploadUrl: string | null;
      onUrl: (url: string) => void;
    }) => fakeUpload(uploads, options.entryId, options),
  };
});

const PATH = 'Pack/Take.wav';
const JOB_ID = '00000000-0000-4000-8000-000000000001';

/** The job once its one file is stored. */
const STORED: JobStatusResponse = {
  job_id: JOB_ID,
  status: 'completed',
  totals: { queued: 0, processing: 0, completed: 1, duplicates: 0, failed: 0, similar: 0 },
  errors: [],
  source: 'browser',
  on_duplicate: 'skip',
  manifest_closed: true,
  created_at: '2026-12-04T00:00:00.000Z',
  updated_at: '2026-12-04T00:00:00.000Z',
};

const unexpected = (call: string) => () => Promise.reject(new Error(`unexpected call: ${call}`));

/** The job while its one file waits for its bytes. */
const WAITING: JobStatusResponse = {
  ...STORED,
  status: 'running',
  totals: { ...STORED.totals, queued: 1, completed: 0 },
};

/**
 * The server of a job whose manifest was sent: only its status (running until an upload began,
 * as a reopened page first asks it) and live feed are asked for.
 */
const server: ImportApi = {
  init: unexpected('init'),
  ingest: unexpected('ingest'),
  check: unexpected('check'),
  retry: unexpected('retry'),
  status: () => Promise.resolve(uploads.length === 0 ? WAITING : STORED),
  follow: () => ({ close: () => undefined }),
};
const DONE: UploadResult = { ok: true, state: 'done', reason: null, status: null };

let db: QueueDb;

beforeEach(() => {
  vi.stubGlobal('navigator', { onLine: true });
  vi.stubGlobal('window', { addEventListener: () => undefined });
  vi.stubGlobal('location', { href: 'http://localhost/' });
  db = new QueueDb(`test-${crypto.randomUUID()}`);
  uploads.length = 0;
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await db.delete();
});

/** A store whose one file the server waits for (manifest sent), with its bytes on the page. */
async function storeWaitingForUpload(): Promise<ImportStore> {
  const queue = new ImportQueue(db);
  const { record, files } = await queue.create(
    ['Pack'],
    [{ path: PATH, sizeBytes: 1000, lastModified: 0 }],
  );
  const store = new ImportStore(queue);
  store.load({ ...record, step: 'upload', jobId: JOB_ID, manifestClosed: true }, [
    { ...files[0]!, state: 'pending_upload', sent: true, entryId: 'entry-1' },
  ]);
  store.holdBytes(PATH, new File([new Uint8Array(1000)], 'Take.wav'));
  return store;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('UploadStage, paused while a file is being created', () => {
  it('resumed before the creation answered: starts the file again from the URL it answered', async () => {
    const store = await storeWaitingForUpload();
    const stage = new UploadStage(store, server);
    const run = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(1));
    expect(uploads[0]!.uploadUrl).toBeNull();

    stage.pause();
    expect(uploads[0]!.aborted).toBe(true);
    stage.resume();
    await settle();
    expect(uploads, 'nothing starts while the first upload is still stopping').toHaveLength(1);
    expect(store.get(PATH)!.state).toBe('uploading');

    // The creation answers: the upload tells its URL, then its stop ends.
    uploads[0]!.onUrl('http://localhost/api/v1/uploads/u1');
    uploads[0]!.stopped();
    await vi.waitFor(() => expect(uploads).toHaveLength(2));
    expect(uploads[1]!.uploadUrl, 'resumed, not created again').toBe(
      'http://localhost/api/v1/uploads/u1',
    );

    uploads[1]!.finish(DONE);
    await run;
    expect(store.get(PATH)!.state).toBe('done');
    expect(store.job, 'the job read again at the end').toEqual(STORED);
  });

  it('paused: the file waits again, holding its URL, once its creation answered', async () => {
    const store = await storeWaitingForUpload();
    const stage = new UploadStage(store, server);
    const run = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(1));

    stage.pause();
    await settle();
    expect(store.get(PATH)!.state, 'still in flight').toBe('uploading');
    uploads[0]!.onUrl('http://localhost/api/v1/uploads/u1');
    uploads[0]!.stopped();
    await vi.waitFor(() => expect(store.get(PATH)!.state).toBe('pending_upload'));
    expect(store.get(PATH)!.uploadUrl).toBe('http://localhost/api/v1/uploads/u1');
    await settle();
    expect(uploads, 'nothing starts while paused').toHaveLength(1);

    stage.resume();
    await vi.waitFor(() => expect(uploads).toHaveLength(2));
    expect(uploads[1]!.uploadUrl).toBe('http://localhost/api/v1/uploads/u1');
    uploads[1]!.finish(DONE);
    await run;
    expect(store.get(PATH)!.state).toBe('done');
    expect(store.job, 'the job read again at the end').toEqual(STORED);
  });
});

describe('UploadStage, a failed upload retried', () => {
  it('a refused upload fails its file and forgets its URL; retried, it is sent again from 0 and stored', async () => {
    const store = await storeWaitingForUpload();
    const stage = new UploadStage(store, {
      ...server,
      retry: () =>
        Promise.resolve({
          retried: [{ entry_id: 'entry-1', path: PATH }],
          job: { ...STORED, status: 'running' },
        }),
    });
    const first = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(1));
    uploads[0]!.onUrl('http://localhost/api/v1/uploads/u1');
    uploads[0]!.finish({ ok: false, state: null, reason: 'file quota reached', status: 413 });
    await first;
    expect(store.get(PATH)).toMatchObject({
      state: 'failed',
      reason: 'refused: file quota reached',
      retryable: true,
      uploadUrl: null,
    });

    await stage.retryFailed();
    expect(store.get(PATH)).toMatchObject({
      state: 'pending_upload',
      reason: null,
      entryId: 'entry-1',
      uploadUrl: null,
      uploadedBytes: 0,
    });
    const second = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(2));
    expect(uploads[1]!.uploadUrl, 'a new upload').toBeNull();
    uploads[1]!.finish(DONE);
    await second;
    expect(store.get(PATH)!.state).toBe('done');
  });
});

describe('UploadStage, a reopened import asks the server about its job first', () => {
  it('a job still open goes on as the server describes it (its counters shown at once)', async () => {
    const store = await storeWaitingForUpload();
    const stage = new UploadStage(store, server);
    const run = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(1));
    expect(store.job, 'the status asked before the upload').toEqual(WAITING);
    expect(uploads[0]!.key).toBe('entry-1');
    uploads[0]!.finish(DONE);
    await run;
    expect(store.get(PATH)!.state).toBe('done');
  });

  it('a job completed while the page was away goes on: its live feed tells how its files ended', async () => {
    const store = await storeWaitingForUpload();
    store.setUpload({ paused: true }); // nothing uploads: only the reconciling is looked at
    const stage = new UploadStage(store, { ...server, status: () => Promise.resolve(STORED) });
    const run = stage.run();
    await vi.waitFor(() => expect(store.job).toEqual(STORED));
    stage.stop();
    await run;
    expect(store.record).toMatchObject({ jobId: JOB_ID });
    expect(store.get(PATH)).toMatchObject({ state: 'pending_upload', entryId: 'entry-1' });
  });

  it('a job cancelled while the page was away: the waiting file goes to a new job, from 0', async () => {
    const NEW_JOB = '00000000-0000-4000-8000-000000000002';
    const sent: string[][] = [];
    const store = await storeWaitingForUpload();
    store.set({ ...store.get(PATH)!, uploadUrl: 'http://localhost/api/v1/uploads/old' });
    const stage = new UploadStage(store, {
      ...server,
      status: (jobId) =>
        Promise.resolve(jobId === JOB_ID ? { ...WAITING, status: 'cancelled' } : STORED),
      init: () => Promise.resolve(NEW_JOB),
      ingest: (jobId, entries) => {
        expect(jobId).toBe(NEW_JOB);
        sent.push(entries.map((e) => e.path));
        return Promise.resolve(ingestAnswer(jobId, entries, () => ({ entry_id: 'entry-2' })));
      },
    });
    const run = stage.run();
    await vi.waitFor(() => expect(uploads).toHaveLength(1));
    expect(store.record).toMatchObject({ jobId: NEW_JOB });
    expect(sent).toEqual([[PATH]]);
    expect(uploads[0]).toMatchObject({ key: 'entry-2', uploadUrl: null });
    uploads[0]!.finish(DONE);
    await run;
    expect(store.get(PATH)!.state).toBe('done');
  });
});
