import { describe, expect, it } from 'vitest';
import type { FileAnalysis } from '../files/index.js';
import type { JobStatusResponse } from '../schemas/index.js';
import type { JobDelivery } from './job-delivery.js';
import {
  ImportRun,
  type AnalysisRecord,
  type ImportRunPorts,
  type RunJournal,
} from './import-run.js';
import type { RecordedFile } from './resume-plan.js';
import type { ImportStage } from './stages.js';
import { jobStatus } from './test-job-status.js';

/** What one `deliver` call was given. */
type Delivery = Parameters<JobDelivery['deliver']>[0];

// One run over a set of files, its ports faked: a journal kept in a Map, an analyser that
// answers at once, a delivery that records what it was given, and a server whose one job
// answers as each test says.

const OLD_JOB = '00000000-0000-4000-8000-000000000001';
const NEW_JOB = '00000000-0000-4000-8000-000000000002';

interface JournalFile {
  stage: ImportStage;
  jobId: string | null;
  entryId: string | null;
  uploadUrl: string | null;
  hash: string | null;
  /** Whether its bytes are those it was recorded with. */
  unchanged: boolean;
}

function analysis(path: string, status: FileAnalysis['status'] = 'ok'): FileAnalysis {
  return {
    path,
    status,
    error: status === 'skipped' ? 'not audio' : null,
    sizeBytes: 1000,
    contentHash: status === 'skipped' ? null : `hash-${path}`,
    format: 'wav',
    codec: 'pcm',
    bitDepth: 16,
    analysis: null,
  } as unknown as FileAnalysis;
}

function fakeRun(options: {
  files?: Record<string, Partial<JournalFile>>;
  job?: { jobId: string; ended: boolean };
  server?: (jobId: string) => JobStatusResponse;
  notAudio?: string[];
  /** The run is stopped once this file's analysis is recorded. */
  stopAfter?: string;
}) {
  const files = new Map<string, JournalFile>(
    Object.entries(options.files ?? {}).map(([key, f]) => [
      key,
      {
        stage: 'analysed',
        jobId: null,
        entryId: null,
        uploadUrl: null,
        hash: null,
        unchanged: true,
        ...f,
      },
    ]),
  );
  let job = options.job ?? null;
  const told: string[] = [];
  const analysed: [string, AnalysisRecord['status']][] = [];
  const delivered: Delivery[] = [];
  const uploaded: string[] = [];
  const followed: string[] = [];
  const closedFeeds: string[] = [];
  const statusAsked: string[] = [];
  let analyserClosed = false;

  const recorded = (key: string): RecordedFile | undefined => {
    const f = files.get(key);
    return (
      f && {
        stage: f.stage,
        jobId: f.jobId,
        entryId: f.entryId,
        entry: 'readable',
        answered: f.stage !== 'analysed',
      }
    );
  };
  const journal: RunJournal = {
    file: (key) => files.get(key),
    record: (key, change) => {
      const f = files.get(key)!;
      files.set(key, { ...f, stage: change.stage ?? f.stage });
    },
    keys: () => files.keys(),
    recorded,
    restart: (key) =>
      files.set(key, { ...files.get(key)!, stage: 'analysed', entryId: null, uploadUrl: null }),
    jobId: () => job?.jobId ?? null,
    jobEnded: () => job?.ended ?? false,
    setJob: (jobId, ended) => (job = { jobId, ended }),
    unchanged: (key) => (files.get(key)?.unchanged ? recorded(key) : undefined),
    before: (key) => files.get(key),
    assign: (key, jobId) => {
      told.push(`assign ${key} ${jobId}`);
      files.set(key, { ...files.get(key)!, jobId, entryId: null, stage: 'analysed' });
    },
    analysed: (key, record) => {
      analysed.push([key, record.status]);
      files.set(key, {
        stage: record.status,
        jobId: record.status === 'analysed' ? record.jobId : null,
        entryId: null,
        uploadUrl: record.status === 'analysed' ? record.uploadUrl : null,
        hash: record.analysis.contentHash,
        unchanged: true,
      });
      if (record.status === 'analysed' && record.entry.status === 'ok' && record.entry.supersedes)
        told.push(`supersedes ${key} ${record.entry.supersedes}`);
      if (key === options.stopAfter) run.stop();
    },
    copyFacts: () => null,
  };
  const delivery = {
    // Each upload put in line ends stored.
    upload: (key: string) => {
      uploaded.push(key);
      journal.record(key, { stage: 'done' });
    },
    deliver: (work: Delivery) => {
      delivered.push(work);
      return Promise.resolve();
    },
    stop: () => undefined,
  } as unknown as JobDelivery;
  const ports: ImportRunPorts = {
    api: {
      status: (jobId) => {
        statusAsked.push(jobId);
        return Promise.resolve((options.server ?? ((id) => jobStatus(id)))(jobId));
      },
      retry: (jobId) => Promise.resolve({ job: jobStatus(jobId), retried: [] }),
      isGone: () => false,
    },
    journal,
    options: { resendAnswered: true, retryFailed: true, keepCompleted: false },
    createJob: () => Promise.resolve(NEW_JOB),
    analyser: () =>
      Promise.resolve({
        size: 2,
        analyse: (key) =>
          Promise.resolve(analysis(key, options.notAudio?.includes(key) ? 'skipped' : 'ok')),
        close: () => {
          analyserClosed = true;
          return Promise.resolve();
        },
      }),
    delivery: () => delivery,
    follow: (jobId) => {
      followed.push(jobId);
      return { close: () => void closedFeeds.push(jobId) };
    },
    manifestClosed: () => false,
    tell: {
      continued: (jobId) => told.push(`continued ${jobId}`),
      created: (jobId) => told.push(`created ${jobId}`),
      earlier: (key, action) => told.push(`${action} ${key}`),
    },
  };
  const run = new ImportRun(ports);
  return {
    run,
    files,
    told,
    analysed,
    delivered,
    uploaded,
    followed,
    closedFeeds,
    statusAsked,
    job: () => job,
    analyserClosed: () => analyserClosed,
  };
}

describe('ImportRun', () => {
  it('makes a job for new files, analyses them, sends the audio in scan order and ends the job', async () => {
    const fake = fakeRun({ notAudio: ['notes.txt'] });
    const outcome = await fake.run.run(['b.wav', 'notes.txt', 'a.wav']);
    expect(fake.told).toEqual([`created ${NEW_JOB}`]);
    expect(fake.analysed).toEqual([
      ['b.wav', 'analysed'],
      ['notes.txt', 'skipped'],
      ['a.wav', 'analysed'],
    ]);
    expect(fake.delivered).toEqual([{ jobId: NEW_JOB, keys: ['b.wav', 'a.wav'] }]);
    expect(outcome).toMatchObject({ jobId: NEW_JOB, earlier: false });
    expect(outcome.final?.job_id).toBe(NEW_JOB);
    expect(fake.job()).toEqual({ jobId: NEW_JOB, ended: true });
    expect(fake.followed).toEqual([NEW_JOB]);
    expect(fake.closedFeeds).toEqual([NEW_JOB]);
    expect(fake.analyserClosed()).toBe(true);
  });

  it('makes no job when an earlier, ended run imported every file: its outcome stands', async () => {
    const fake = fakeRun({
      job: { jobId: OLD_JOB, ended: true },
      files: {
        'a.wav': { stage: 'done', jobId: OLD_JOB, entryId: 'e1' },
        'b.wav': { stage: 'duplicate', jobId: OLD_JOB, entryId: 'e2' },
        'c.txt': { stage: 'skipped' },
      },
    });
    const outcome = await fake.run.run(['a.wav', 'b.wav', 'c.txt']);
    expect(fake.told).toEqual(['earlier a.wav', 'earlier b.wav', 'skipped c.txt']);
    expect(outcome).toMatchObject({ jobId: OLD_JOB, earlier: true });
    expect(fake.statusAsked).toEqual([OLD_JOB]);
    expect(fake.delivered).toEqual([]);
    expect(fake.analysed).toEqual([]);
  });

  it('sends to a new job the entry of a file an earlier job took, and analyses a changed one again', async () => {
    const fake = fakeRun({
      job: { jobId: OLD_JOB, ended: true },
      files: {
        'a.wav': { stage: 'done', jobId: OLD_JOB, entryId: 'e1' },
        // Analysed for the old job, never sent: its entry goes to the new one afresh.
        'b.wav': { stage: 'analysed', jobId: OLD_JOB },
        // Changed on disk since: analysed again.
        'c.wav': { stage: 'done', jobId: OLD_JOB, entryId: 'e3', unchanged: false },
      },
    });
    await fake.run.run(['a.wav', 'b.wav', 'c.wav']);
    expect(fake.told).toEqual(['earlier a.wav', `created ${NEW_JOB}`, `assign b.wav ${NEW_JOB}`]);
    expect(fake.analysed).toEqual([['c.wav', 'analysed']]);
    expect(fake.delivered).toEqual([{ jobId: NEW_JOB, keys: ['b.wav', 'c.wav'] }]);
  });

  it('continues the open job the journal names, its answered entries sent again', async () => {
    const fake = fakeRun({
      job: { jobId: OLD_JOB, ended: false },
      files: {
        'a.wav': { stage: 'pending_upload', jobId: OLD_JOB, entryId: 'e1' },
        'b.wav': { stage: 'analysed', jobId: OLD_JOB, hash: 'old-hash', unchanged: false },
      },
    });
    const outcome = await fake.run.run(['a.wav', 'b.wav']);
    expect(fake.told).toEqual([`continued ${OLD_JOB}`, `supersedes b.wav old-hash`]);
    expect(fake.delivered).toEqual([{ jobId: OLD_JOB, keys: ['a.wav', 'b.wav'] }]);
    expect(outcome).toMatchObject({ jobId: OLD_JOB, earlier: false });
    expect(fake.job()).toEqual({ jobId: OLD_JOB, ended: true });
  });

  it('finishes the uploads of a job whose manifest was all sent, then takes the new files to a new job', async () => {
    const fake = fakeRun({
      job: { jobId: OLD_JOB, ended: false },
      server: (id) => jobStatus(id, { manifest_closed: id === OLD_JOB }),
      files: { 'a.wav': { stage: 'uploading', jobId: OLD_JOB, entryId: 'e1', uploadUrl: 'u1' } },
    });
    const outcome = await fake.run.run(['a.wav', 'new.wav']);
    expect(fake.uploaded).toEqual(['a.wav']);
    // The closed job's uploads first (no manifest call), then the new job's manifest.
    expect(fake.delivered).toEqual([null, { jobId: NEW_JOB, keys: ['new.wav'] }]);
    // Stored by the closed job, which has ended: the new run tells it as an earlier job's.
    expect(fake.told).toEqual([`continued ${OLD_JOB}`, 'earlier a.wav', `created ${NEW_JOB}`]);
    expect(fake.followed).toEqual([OLD_JOB, NEW_JOB]);
    expect(fake.closedFeeds).toEqual([OLD_JOB, NEW_JOB]);
    expect(outcome).toMatchObject({ jobId: NEW_JOB, earlier: false });
  });

  it('stopped during the analysis: keeps what was analysed, sends nothing, reads no final status', async () => {
    const fake = fakeRun({ stopAfter: 'a.wav' });
    const outcome = await fake.run.run(['a.wav', 'b.wav', 'c.wav', 'd.wav', 'e.wav', 'f.wav']);
    expect(outcome).toEqual({ jobId: NEW_JOB, final: null, earlier: false });
    expect(fake.analysed.map(([key]) => key)).toEqual(['a.wav']);
    expect(fake.delivered).toEqual([]);
    expect(fake.statusAsked).toEqual([]);
    expect(fake.job()).toEqual({ jobId: NEW_JOB, ended: false });
    expect(fake.closedFeeds).toEqual([NEW_JOB]);
  });
});
