import { describe, expect, it, vi } from 'vitest';
import { fakeUpload, type FakeUpload } from '../../testing/fake-upload.js';
import { ingestAnswer } from '../../testing/ingest-answers.js';
import type { IngestItem, ManifestEntry } from '../schemas/index.js';
import type { UploadResult } from '../uploads/tus-upload.js';
import { deliverPlan } from './deliver-plan.js';
import { planResume, type RecordedFile } from './resume-plan.js';
import {
  JobDelivery,
  retryFailed,
  type DeliveryFile,
  type DeliveryPorts,
  type FileChange,
} from './job-delivery.js';

// The delivery against fake ports: a journal in a Map, a server whose ingest answers are
// scripted per path, and uploads the test ends by hand.

const JOB = '00000000-0000-4000-8000-000000000001';
const DONE: UploadResult = { ok: true, state: 'done', reason: null, status: null };

/** How the fake server answers the entry of each path (default: it wants the bytes). */
type Answer = Partial<IngestItem>;

function fakeImport(answers: Record<string, Answer> = {}, ports: Partial<DeliveryPorts> = {}) {
  const files = new Map<string, DeliveryFile>();
  const changes: [string, FileChange][] = [];
  const calls: { paths: string[]; last: boolean }[] = [];
  const uploads: FakeUpload[] = [];
  let ingestFailure: Error | null = null;
  const delivery = new JobDelivery(
    {
      file: (key) => files.get(key),
      record: (key, change) => {
        changes.push([key, change]);
        const before = files.get(key)!;
        files.set(key, {
          stage: change.stage ?? before.stage,
          entryId: change.entryId !== undefined ? change.entryId : before.entryId,
          uploadUrl: change.uploadUrl !== undefined ? change.uploadUrl : before.uploadUrl,
        });
      },
      entries: (keys) => keys.map((path) => ({ path }) as ManifestEntry),
      api: {
        ingest: (jobId, sent, last) => {
          expect(jobId).toBe(JOB);
          calls.push({ paths: sent.map((e) => e.path), last });
          if (ingestFailure) return Promise.reject(ingestFailure);
          return Promise.resolve(ingestAnswer(JOB, sent, (path) => answers[path] ?? {}));
        },
      },
      open: () => Promise.resolve({ input: new Blob([new Uint8Array(10)]), size: 10 }),
      endpoint: 'http://server/api/v1/uploads',
      upload: (options) => fakeUpload(uploads, options.entryId, options),
      ...ports,
    },
    { parallel: 2, batch: 3 },
  );
  const add = (...paths: string[]) => {
    for (const path of paths)
      files.set(path, { stage: 'analysed', entryId: null, uploadUrl: null });
  };
  const failIngest = (error: Error) => (ingestFailure = error);
  return { delivery, files, changes, calls, uploads, add, failIngest };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const stages = (files: Map<string, DeliveryFile>) =>
  Object.fromEntries([...files].map(([k, f]) => [k, f.stage]));

describe('JobDelivery', () => {
  it('sends the manifest in batches, records each answer and uploads only the new sounds', async () => {
    const run = fakeImport({
      'b.wav': { state: 'duplicate', upload: false, duplicate_of: { path: 'a.wav' } as never },
      'c.wav': { state: 'done', upload: false },
      'd.wav': {
        ok: false,
        entry_id: null,
        state: null,
        upload: false,
        reason: 'bad',
        status_code: 422,
      },
    });
    run.add('a.wav', 'b.wav', 'c.wav', 'd.wav', 'e.wav');
    const done = run.delivery.deliver({ jobId: JOB, keys: [...run.files.keys()] });
    await settle();
    expect(run.calls).toEqual([
      { paths: ['a.wav', 'b.wav', 'c.wav'], last: false },
      { paths: ['d.wav', 'e.wav'], last: true },
    ]);
    expect(run.uploads.map((u) => u.key)).toHaveLength(2);
    for (const upload of run.uploads) upload.finish(DONE);
    await done;
    expect(stages(run.files)).toEqual({
      'a.wav': 'done',
      'b.wav': 'duplicate',
      'c.wav': 'done',
      'd.wav': 'failed',
      'e.wav': 'done',
    });
    const d = run.changes.find(([k]) => k === 'd.wav')![1];
    expect(d).toMatchObject({ stage: 'failed', reason: 'bad', retryable: false });
    const b = run.changes.find(([k]) => k === 'b.wav')![1];
    expect(b.duplicateOf?.path).toBe('a.wav');
  });

  it('a file a cut run left uploading waits again, and resumes from its saved URL', async () => {
    const run = fakeImport();
    run.files.set('a.wav', { stage: 'uploading', entryId: 'e-a', uploadUrl: 'http://server/u/a' });
    run.delivery.upload('a.wav');
    expect(run.changes).toEqual([['a.wav', { stage: 'pending_upload' }]]);
    const done = run.delivery.deliver(null);
    await settle();
    expect(run.uploads.map((u) => u.uploadUrl)).toEqual(['http://server/u/a']);
    run.uploads[0]!.finish(DONE);
    await done;
    expect(run.files.get('a.wav')!.stage).toBe('done');
  });

  it('a refused upload (413) fails its file with the reason and forgets its URL', async () => {
    const run = fakeImport();
    run.add('big.wav');
    const done = run.delivery.deliver({ jobId: JOB, keys: ['big.wav'] });
    await settle();
    run.uploads[0]!.onUrl('http://server/api/v1/uploads/u1');
    expect(run.files.get('big.wav')!.uploadUrl).toBe('http://server/api/v1/uploads/u1');
    run.uploads[0]!.finish({ ok: false, state: null, reason: 'too large', status: 413 });
    await done;
    expect(run.files.get('big.wav')).toMatchObject({ stage: 'failed', uploadUrl: null });
    expect(run.changes.at(-1)![1]).toMatchObject({ reason: 'refused: too large', retryable: true });
  });

  it('offline: the failed upload waits, held, and resumes from its URL once released', async () => {
    let offline = false;
    const run = fakeImport({}, { offline: () => offline });
    run.add('a.wav');
    const done = run.delivery.deliver({ jobId: JOB, keys: ['a.wav'] });
    await settle();
    run.uploads[0]!.onUrl('http://server/api/v1/uploads/u1');
    offline = true;
    run.uploads[0]!.finish({ ok: false, state: null, reason: 'network', status: null });
    await settle();
    expect(run.files.get('a.wav')!.stage).toBe('pending_upload');
    expect(run.uploads, 'nothing starts while offline').toHaveLength(1);
    offline = false;
    run.delivery.release('offline');
    await settle();
    expect(run.uploads).toHaveLength(2);
    expect(run.uploads[1]!.uploadUrl).toBe('http://server/api/v1/uploads/u1');
    run.uploads[1]!.finish(DONE);
    await done;
    expect(run.files.get('a.wav')!.stage).toBe('done');
  });

  it('paused: nothing uploads until resumed; a stop leaves the file waiting with its URL', async () => {
    const run = fakeImport();
    run.add('a.wav', 'b.wav');
    run.delivery.hold('paused');
    const done = run.delivery.deliver({ jobId: JOB, keys: ['a.wav', 'b.wav'] });
    await settle();
    expect(run.calls, 'the manifest goes while paused').toHaveLength(1);
    expect(run.uploads).toHaveLength(0);
    run.delivery.release('paused');
    await settle();
    expect(run.uploads).toHaveLength(2);
    run.uploads[0]!.onUrl('http://server/api/v1/uploads/u1');
    run.delivery.stop();
    for (const upload of run.uploads) upload.stopped();
    await done;
    expect(run.files.get('a.wav')).toMatchObject({
      stage: 'pending_upload',
      uploadUrl: 'http://server/api/v1/uploads/u1',
    });
  });

  it('a refused token stops every upload and is thrown', async () => {
    const run = fakeImport(
      {},
      { fatal: (r) => (r.status === 401 ? new Error('token refused') : null) },
    );
    run.add('a.wav', 'b.wav');
    const done = run.delivery.deliver({ jobId: JOB, keys: ['a.wav', 'b.wav'] });
    await settle();
    run.uploads[0]!.finish({ ok: false, state: null, reason: 'no', status: 401 });
    await settle();
    expect(run.uploads[1]!.aborted).toBe(true);
    run.uploads[1]!.stopped();
    await expect(done).rejects.toThrow('token refused');
  });

  it('a file whose bytes changed since its analysis fails without an upload', async () => {
    const run = fakeImport({}, { open: () => Promise.resolve({ failed: 'changed' }) });
    run.add('a.wav');
    await run.delivery.deliver({ jobId: JOB, keys: ['a.wav'] });
    expect(run.uploads).toHaveLength(0);
    expect(run.files.get('a.wav')!.stage).toBe('failed');
  });

  it('an ingest call that fails (409) is thrown once the uploads in line have ended', async () => {
    const run = fakeImport();
    run.files.set('a.wav', { stage: 'pending_upload', entryId: 'e1', uploadUrl: null });
    run.delivery.upload('a.wav');
    run.add('b.wav');
    run.failIngest(Object.assign(new Error('manifest closed'), { status: 409 }));
    const done = run.delivery.deliver({ jobId: JOB, keys: ['b.wav'] });
    let settled = false;
    void done.catch(() => (settled = true));
    await settle();
    expect(settled, 'waits for the upload under way').toBe(false);
    run.uploads[0]!.finish(DONE);
    await expect(done).rejects.toThrow('manifest closed');
    expect(stages(run.files)).toEqual({ 'a.wav': 'done', 'b.wav': 'analysed' });
  });
});

describe('deliverPlan: a resumed plan delivered', () => {
  /** A journal file of job JOB, as planResume reads it. */
  const recorded = (stage: RecordedFile['stage'], answered: boolean): RecordedFile => ({
    stage,
    jobId: JOB,
    entryId: answered ? 'e1' : null,
    entry: 'readable',
    answered,
  });
  const WIZARD = { resendAnswered: false };

  it('with its manifest closed: only the uploads waiting, no job made, no ingest call', async () => {
    const run = fakeImport();
    run.files.set('a.wav', { stage: 'pending_upload', entryId: 'e1', uploadUrl: 'http://u/1' });
    const target = { jobId: JOB, manifestClosed: true };
    const plan = planResume([['a.wav', recorded('pending_upload', true)]], target, WIZARD);
    const followed: string[] = [];
    const done = deliverPlan(run.delivery, plan, target, {
      job: () => Promise.reject(new Error('no job is to be made')),
      follow: (jobId) => followed.push(jobId),
    });
    await settle();
    expect(run.uploads[0]!.uploadUrl).toBe('http://u/1');
    run.uploads[0]!.finish({ ok: true, state: 'duplicate', reason: null, status: null });
    await done;
    expect(run.calls).toEqual([]);
    expect(followed).toEqual([JOB]);
    expect(run.files.get('a.wav')!.stage).toBe('duplicate');
  });

  it('with entries to send: the waiting uploads first, then the job, its feed and the manifest', async () => {
    const run = fakeImport();
    run.files.set('a.wav', { stage: 'pending_upload', entryId: 'e1', uploadUrl: null });
    run.add('b.wav');
    const target = { jobId: JOB, manifestClosed: false };
    const plan = planResume(
      [
        ['a.wav', recorded('pending_upload', true)],
        ['b.wav', recorded('analysed', false)],
      ],
      target,
      WIZARD,
    );
    const order: string[] = [];
    const done = deliverPlan(run.delivery, plan, target, {
      job: () => (order.push('job'), Promise.resolve(JOB)),
      follow: () => order.push('follow'),
    });
    await vi.waitFor(() => expect(run.uploads).toHaveLength(2));
    expect(run.uploads.map((u) => u.key)).toEqual(['e1', expect.any(String)]);
    expect(order).toEqual(['job', 'follow']);
    expect(run.calls).toEqual([{ paths: ['b.wav'], last: true }]);
    for (const upload of run.uploads) upload.finish(DONE);
    await done;
    expect(stages(run.files)).toEqual({ 'a.wav': 'done', 'b.wav': 'done' });
  });

  it('a job that cannot be made is thrown once the uploads in line have ended', async () => {
    const run = fakeImport();
    run.files.set('a.wav', { stage: 'pending_upload', entryId: 'e1', uploadUrl: null });
    run.add('b.wav');
    const target = { jobId: null, manifestClosed: false };
    const plan = { ...planResume<string>([], target, WIZARD), upload: ['a.wav'], send: ['b.wav'] };
    const done = deliverPlan(run.delivery, plan, target, {
      job: () => Promise.reject(new Error('refused')),
    });
    let settled = false;
    void done.catch(() => (settled = true));
    await settle();
    expect(settled, 'waits for the upload under way').toBe(false);
    run.uploads[0]!.finish(DONE);
    await expect(done).rejects.toThrow('refused');
    expect(run.calls).toEqual([]);
  });
});

describe('retryFailed', () => {
  it('records each file the job took back as waiting again, from the start; names those it does not know', async () => {
    const files = new Map<string, DeliveryFile>([
      ['a.wav', { stage: 'failed', entryId: 'e1', uploadUrl: 'http://u/1' }],
    ]);
    const changes: [string, FileChange][] = [];
    const api = {
      retry: () =>
        Promise.resolve({
          retried: [
            { entry_id: 'e1', path: 'a.wav' },
            { entry_id: 'e2', path: 'gone.wav' },
          ],
        } as never),
    };
    const taken = await retryFailed(api, JOB, {
      file: (key) => files.get(key),
      record: (key, change) => void changes.push([key, change]),
    });
    expect(taken).toEqual({ retried: ['a.wav'], unknown: ['gone.wav'] });
    expect(changes).toEqual([
      ['a.wav', { stage: 'pending_upload', entryId: 'e1', reason: null, uploadUrl: null }],
    ]);
  });
});
