import { describe, expect, it } from 'vitest';
import { fakeUpload, type FakeUpload } from '../../testing/fake-upload.js';
import { ingestAnswer } from '../../testing/ingest-answers.js';
import type { BulkImportUpdate, JobStatusResponse, ManifestEntry } from '../schemas/index.js';
import type { UploadResult } from '../uploads/tus-upload.js';
import { JobDelivery } from './job-delivery.js';
import { JobSession, type JobSessionPorts, type SessionJournal } from './job-session.js';
import type { ResumeTarget } from './resume-plan.js';
import type { ImportStage } from './stages.js';
import { jobStatus } from './test-job-status.js';

// One import's job across runs, over a journal kept in a Map and a fake server whose job's
// status the test sets, whose live feed the test speaks through, and uploads ended by hand.

const JOB = '00000000-0000-4000-8000-000000000001';
const NEW_JOB = '00000000-0000-4000-8000-000000000002';
const DONE: UploadResult = { ok: true, state: 'done', reason: null, status: null };

class Gone extends Error {}

interface JournalFile {
  stage: ImportStage;
  entryId: string | null;
  uploadUrl: string | null;
  /** Whether the job answered its entry. */
  answered: boolean;
}

function fakeSession(files: Record<string, JournalFile>, target: ResumeTarget) {
  const map = new Map(Object.entries(files));
  let current = target;
  const asked = { status: 0, init: 0, retry: 0, ingest: [] as string[][] };
  const told: (JobStatusResponse | null | 'gone')[] = [];
  const heard: BulkImportUpdate[] = [];
  const uploads: FakeUpload[] = [];
  const server = { job: jobStatus(JOB) as JobStatusResponse | Error };
  let feed: ((event: BulkImportUpdate) => void) | null = null;
  const journal: SessionJournal = {
    file: (key) => map.get(key),
    record: (key, change) => {
      const before = map.get(key)!;
      map.set(key, {
        stage: change.stage ?? before.stage,
        entryId: change.entryId !== undefined ? change.entryId : before.entryId,
        uploadUrl: change.uploadUrl !== undefined ? change.uploadUrl : before.uploadUrl,
        answered: before.answered || change.entryId !== undefined,
      });
    },
    keys: () => map.keys(),
    recorded: (key) => {
      const file = map.get(key);
      return file && { ...file, jobId: current.jobId, entry: 'readable', answered: file.answered };
    },
    restart: (key) =>
      map.set(key, { stage: 'analysed', entryId: null, uploadUrl: null, answered: false }),
    target: () => current,
    setTarget: (next) => void (current = next),
    keyOfEntry: (entryId) => [...map].find(([, f]) => f.entryId === entryId)?.[0],
  };
  const status = (jobId: string) => {
    asked.status++;
    const answer = server.job;
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve({ ...answer, job_id: jobId });
  };
  const ports: JobSessionPorts = {
    api: {
      status,
      retry: (jobId) => {
        asked.retry++;
        const retried = [...map].filter(([, f]) => f.stage === 'failed');
        return Promise.resolve({
          retried: retried.map(([path, f]) => ({ entry_id: f.entryId!, path })),
          job: jobStatus(jobId),
        });
      },
      follow: (_jobId, onEvent) => {
        feed = onEvent;
        return { close: () => void (feed = null) };
      },
      isGone: (error) => error instanceof Gone,
    },
    journal,
    options: { resendAnswered: false, retryFailed: false, keepCompleted: true },
    createJob: () => {
      asked.init++;
      current = { jobId: NEW_JOB, manifestClosed: false };
      return Promise.resolve(NEW_JOB);
    },
    delivery: () =>
      new JobDelivery({
        ...journal,
        entries: (keys) => keys.map((path) => ({ path }) as ManifestEntry),
        api: {
          ingest: (jobId, sent, last) => {
            asked.ingest.push(sent.map((e) => e.path));
            if (last) current = { ...current, manifestClosed: true };
            return Promise.resolve(ingestAnswer(jobId, sent));
          },
        },
        open: () => Promise.resolve({ input: new Blob([new Uint8Array(10)]), size: 10 }),
        endpoint: 'http://server/api/v1/uploads',
        upload: (options) => fakeUpload(uploads, options.entryId, options),
      }),
    tell: {
      status: (s) => told.push(s),
      gone: () => told.push('gone'),
      heard: (event) => heard.push(event),
    },
  };
  const say = (event: Partial<BulkImportUpdate>) =>
    feed?.({
      type: 'bulk_import.update',
      job_id: JOB,
      status: 'running',
      totals: jobStatus(JOB).totals,
      files: [],
      ...event,
    });
  const session = new JobSession(ports);
  return { session, map, server, asked, told, heard, uploads, say, target: () => current };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('JobSession: one import’s job across the runs of its delivery', () => {
  it('asks the server about the journal’s job once, and keeps an open job as the server says', async () => {
    const run = fakeSession(
      { 'a.wav': { stage: 'pending_upload', entryId: 'e-a', uploadUrl: null, answered: true } },
      { jobId: JOB, manifestClosed: false },
    );
    run.server.job = jobStatus(JOB, { manifest_closed: true });
    const reconciled = await run.session.reconcile();
    expect(reconciled?.continued).toBe(true);
    expect(run.target(), 'its manifest closed, as the server said').toEqual({
      jobId: JOB,
      manifestClosed: true,
    });
    expect(await run.session.reconcile(), 'asked once').toBeNull();
    expect(run.asked.status).toBe(1);
    expect(run.told).toEqual([run.server.job]);
  });

  it('a job gone meanwhile is dropped once its waiting files start afresh; a new job takes them', async () => {
    const run = fakeSession(
      {
        'a.wav': {
          stage: 'pending_upload',
          entryId: 'e-a',
          uploadUrl: 'http://u/a',
          answered: true,
        },
        'b.wav': { stage: 'done', entryId: 'e-b', uploadUrl: null, answered: true },
      },
      { jobId: JOB, manifestClosed: true },
    );
    run.server.job = new Gone('404');
    const delivered = run.session.deliver();
    await settle();
    expect(run.told.slice(0, 2)).toEqual(['gone', null]);
    expect(run.asked.init, 'made before its first manifest call').toBe(1);
    expect(run.asked.ingest).toEqual([['a.wav']]);
    expect(
      run.uploads.map((u) => u.uploadUrl),
      'a new upload, from 0',
    ).toEqual([null]);
    run.server.job = jobStatus(NEW_JOB, { status: 'completed' });
    run.uploads[0]!.finish(DONE);
    await delivered;
    expect(run.map.get('a.wav')!.stage).toBe('done');
    expect(run.map.get('b.wav')!.stage, 'what the old job stored stays stored').toBe('done');
    expect(run.told.at(-1), 'the job’s status read at the end').toMatchObject({
      job_id: NEW_JOB,
      status: 'completed',
    });
  });

  it('keeps the journal in step with the job’s live events, each file found by its entry id', async () => {
    const run = fakeSession(
      {
        'a.wav': { stage: 'pending_upload', entryId: 'e-a', uploadUrl: null, answered: true },
        'b.wav': { stage: 'pending_upload', entryId: 'e-b', uploadUrl: null, answered: true },
      },
      { jobId: JOB, manifestClosed: true },
    );
    const delivered = run.session.deliver();
    await settle();
    expect(run.uploads).toHaveLength(2);
    run.say({
      files: [
        { entry_id: 'e-a', path: 'a.wav', state: 'duplicate', reason: null },
        { entry_id: 'e-b', path: 'b.wav', state: 'failed', reason: 'bad bytes' },
      ] as BulkImportUpdate['files'],
    });
    run.say({
      job_id: NEW_JOB,
      files: [{ entry_id: 'e-a', state: 'done' }] as BulkImportUpdate['files'],
    });
    expect(run.map.get('a.wav')!.stage).toBe('duplicate');
    expect(run.map.get('b.wav')!.stage).toBe('failed');
    expect(run.heard, 'another job’s event is not the import’s').toHaveLength(1);
    for (const upload of run.uploads) upload.finish(DONE);
    await delivered;
    expect(run.map.get('a.wav')!.stage, 'the feed told its end first').toBe('duplicate');
  });

  it('stops the run under way and its live feed; the next run follows the job again', async () => {
    const run = fakeSession(
      { 'a.wav': { stage: 'pending_upload', entryId: 'e-a', uploadUrl: null, answered: true } },
      { jobId: JOB, manifestClosed: true },
    );
    const first = run.session.deliver();
    await settle();
    expect(run.uploads).toHaveLength(1);
    run.session.stop();
    run.uploads[0]!.stopped();
    await first;
    run.say({ files: [{ entry_id: 'e-a', state: 'done' }] as BulkImportUpdate['files'] });
    expect(run.heard, 'the feed is closed').toHaveLength(0);
    expect(run.map.get('a.wav')!.stage, 'waits for the next run').toBe('pending_upload');

    const second = run.session.deliver();
    await settle();
    expect(run.asked.status, 'reconciled once, then a status at the end of the first run').toBe(2);
    run.uploads[1]!.finish(DONE);
    await second;
    expect(run.map.get('a.wav')!.stage).toBe('done');
  });

  it('has the job take its failed uploads back on demand: they wait for the next run', async () => {
    const run = fakeSession(
      { 'a.wav': { stage: 'failed', entryId: 'e-a', uploadUrl: null, answered: true } },
      { jobId: JOB, manifestClosed: true },
    );
    await run.session.retryFailed();
    expect(run.asked.retry).toBe(1);
    expect(run.map.get('a.wav')!.stage).toBe('pending_upload');
  });
});
