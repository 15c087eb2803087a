import { describe, expect, it } from 'vitest';
import type { JobStatusResponse } from '../schemas/index.js';
import {
  continuedJob,
  jobIsOpen,
  planResume,
  reanalysed,
  resumeAction,
  sendsManifest,
  type RecordedFile,
  type ResumeOptions,
  type ResumeTarget,
} from './resume-plan.js';
import { jobStatus } from './test-job-status.js';

// What a resumed run does with each file its journal recorded, against fake journals and fake
// server answers; the CLI re-asks answered entries (CLI), the wizard trusts them (WIZARD).

const JOB = '00000000-0000-4000-8000-000000000001';
const EARLIER_JOB = '00000000-0000-4000-8000-000000000002';
const CLI: ResumeOptions = { resendAnswered: true };
const WIZARD: ResumeOptions = { resendAnswered: false };
const OPEN: ResumeTarget = { jobId: JOB, manifestClosed: false };
const CLOSED: ResumeTarget = { jobId: JOB, manifestClosed: true };
const NEW_JOB: ResumeTarget = { jobId: null, manifestClosed: false };

/** A file of job JOB as the journal recorded it. */
function file(stage: RecordedFile['stage'], patch: Partial<RecordedFile> = {}): RecordedFile {
  const answered = stage !== 'discovered' && stage !== 'analysed' && stage !== 'skipped';
  return {
    stage,
    jobId: JOB,
    entryId: answered ? 'entry-1' : null,
    entry: stage === 'discovered' ? 'none' : 'readable',
    answered,
    ...patch,
  };
}

const status = (patch: Partial<JobStatusResponse> = {}) => jobStatus(JOB, patch);

describe('continuedJob: the journal’s job, as the server describes it', () => {
  it('goes on with a job the server still runs, saying whether its manifest was all sent', () => {
    expect(continuedJob(status())).toEqual({
      jobId: JOB,
      manifestClosed: false,
      retryFailed: false,
    });
    expect(continuedJob(status({ status: 'queued', manifest_closed: true }))).toMatchObject({
      manifestClosed: true,
    });
  });

  it('has the job take its failed uploads back first when some failed', () => {
    const totals = { ...status().totals, failed: 2 };
    expect(continuedJob(status({ totals }))?.retryFailed).toBe(true);
  });

  it('starts anew when the server no longer knows the job', () => {
    expect(continuedJob(null)).toBeNull();
  });

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'starts anew when the job was %s meanwhile',
    (ended) => {
      expect(jobIsOpen(ended)).toBe(false);
      expect(continuedJob(status({ status: ended, manifest_closed: true }))).toBeNull();
    },
  );
});

describe('resumeAction: a resumed run at each stage of its job, manifest open', () => {
  it.each(
    (
      [
        ['not recorded, or changed on disk', undefined, 'analyse', 'analyse'],
        ['found, never analysed', file('discovered'), 'analyse', 'analyse'],
        ['not audio', file('skipped', { entry: 'none' }), 'skipped', 'skipped'],
        ['analysed, its entry never answered', file('analysed'), 'send', 'send'],
        [
          'unreadable here, the job not told yet',
          file('failed', { entry: 'unreadable', answered: false, entryId: null }),
          'send',
          'send',
        ],
        ['waiting for its bytes', file('pending_upload'), 'send', 'upload'],
        ['its upload cut off', file('uploading'), 'send', 'upload'],
        ['stored', file('done'), 'send', 'ended'],
        ['a duplicate', file('duplicate'), 'send', 'ended'],
        ['failed, not retryable (or not taken back)', file('failed'), 'send', 'ended'],
        [
          'refused (answered without an entry id)',
          file('failed', { entryId: null }),
          'send',
          'ended',
        ],
      ] as [string, RecordedFile | undefined, string, string][]
    ).map(([what, recorded, cli, wizard]) => ({ what, recorded, cli, wizard })),
  )('$what: the CLI does $cli, the wizard $wizard', ({ recorded, cli, wizard }) => {
    expect(resumeAction(recorded, OPEN, CLI)).toBe(cli);
    expect(resumeAction(recorded, OPEN, WIZARD)).toBe(wizard);
  });

  it('a failed upload the job took back (retryFailed) waits for its bytes again', () => {
    // retryFailed records it waiting, with its entry id and no upload URL.
    expect(resumeAction(file('pending_upload'), OPEN, WIZARD)).toBe('upload');
    expect(resumeAction(file('pending_upload'), OPEN, CLI)).toBe('send');
  });

  it('a file waiting for its bytes without an entry id is not uploaded', () => {
    expect(resumeAction(file('pending_upload', { entryId: null }), OPEN, WIZARD)).toBe('ended');
  });
});

describe('resumeAction: a job whose whole manifest was sent', () => {
  it.each(
    (
      [
        ['sent in the closing batch, its answer never recorded', file('analysed'), 'send'],
        ['waiting for its bytes', file('pending_upload'), 'upload'],
        ['its upload cut off', file('uploading'), 'upload'],
        ['stored', file('done'), 'ended'],
        ['failed', file('failed'), 'ended'],
        ['analysed for another job', file('analysed', { jobId: EARLIER_JOB }), 'later'],
        ['analysed before any job (a dry run)', file('analysed', { jobId: null }), 'later'],
      ] as [string, RecordedFile, string][]
    ).map(([what, recorded, action]) => ({ what, recorded, action })),
  )('$what: $action, by both importers', ({ recorded, action }) => {
    expect(resumeAction(recorded, CLOSED, CLI)).toBe(action);
    expect(resumeAction(recorded, CLOSED, WIZARD)).toBe(action);
  });
});

describe('resumeAction: files of an earlier job, the journal’s job gone or ended', () => {
  const earlier = (stage: RecordedFile['stage'], patch: Partial<RecordedFile> = {}) =>
    file(stage, { jobId: EARLIER_JOB, ...patch });

  it.each(
    (
      [
        ['stored', earlier('done'), NEW_JOB, 'earlier'],
        ['a duplicate', earlier('duplicate'), NEW_JOB, 'earlier'],
        ['stored, while another job goes on', earlier('done'), OPEN, 'earlier'],
        [
          'unreadable then, unchanged since',
          earlier('failed', { entry: 'unreadable' }),
          NEW_JOB,
          'unreadable',
        ],
        [
          'unreadable, never answered',
          earlier('analysed', { entry: 'unreadable', answered: false }),
          NEW_JOB,
          'unreadable',
        ],
        ['failed to upload (retryable)', earlier('failed'), NEW_JOB, 'send'],
        ['waiting for bytes the gone job never had', earlier('pending_upload'), NEW_JOB, 'send'],
        ['its upload cut off', earlier('uploading'), OPEN, 'send'],
        ['analysed, never sent', earlier('analysed'), NEW_JOB, 'send'],
        ['not audio', earlier('skipped', { entry: 'none' }), NEW_JOB, 'skipped'],
      ] as [string, RecordedFile, ResumeTarget, string][]
    ).map(([what, recorded, target, action]) => ({ what, recorded, target, action })),
  )('$what: $action', ({ recorded, target, action }) => {
    expect(resumeAction(recorded, target, CLI)).toBe(action);
    expect(resumeAction(recorded, target, WIZARD)).toBe(action);
  });

  it('a file analysed before any job (a dry run) is sent to the new one', () => {
    expect(resumeAction(file('analysed', { jobId: null }), NEW_JOB, CLI)).toBe('send');
  });
});

describe('planResume', () => {
  it('groups the keys by action, each in the order given', () => {
    const plan = planResume(
      [
        ['a', file('pending_upload')],
        ['b', file('analysed')],
        ['c', file('done')],
        ['d', undefined],
        ['e', file('analysed')],
        ['f', file('uploading')],
      ],
      OPEN,
      WIZARD,
    );
    expect(plan).toEqual({
      analyse: ['d'],
      send: ['b', 'e'],
      upload: ['a', 'f'],
      ended: ['c'],
      later: [],
      skipped: [],
      earlier: [],
      unreadable: [],
    });
  });
});

describe('sendsManifest', () => {
  const only = (key: string, recorded: RecordedFile) => planResume([[key, recorded]], CLOSED, CLI);

  it('makes manifest calls while the manifest is open, even with nothing to send (to close it)', () => {
    expect(sendsManifest(planResume([], OPEN, CLI), OPEN)).toBe(true);
  });

  it('after the manifest closed, only to send entries whose answer was lost', () => {
    expect(sendsManifest(only('a', file('pending_upload')), CLOSED)).toBe(false);
    expect(sendsManifest(only('a', file('analysed')), CLOSED)).toBe(true);
  });
});

describe('reanalysed: what a file analysed again keeps of its record', () => {
  const JOB_A = '00000000-0000-4000-8000-00000000000a';
  const JOB_B = '00000000-0000-4000-8000-00000000000b';
  const before = { jobId: JOB_A, hash: 'h-old', uploadUrl: 'http://u/old' };

  it('a new file keeps nothing', () => {
    expect(reanalysed(undefined, { contentHash: 'h', readable: true }, JOB_A)).toEqual({
      uploadUrl: null,
      supersedes: null,
    });
  });

  it('the same bytes keep their upload, and replace nothing', () => {
    expect(reanalysed(before, { contentHash: 'h-old', readable: true }, JOB_A)).toEqual({
      uploadUrl: 'http://u/old',
      supersedes: null,
    });
  });

  it('new bytes in the job that took the old ones: a new upload, superseding the old content', () => {
    expect(reanalysed(before, { contentHash: 'h-new', readable: true }, JOB_A)).toEqual({
      uploadUrl: null,
      supersedes: 'h-old',
    });
  });

  it('new bytes for another job: a new upload, nothing superseded (that job never took the old)', () => {
    expect(reanalysed(before, { contentHash: 'h-new', readable: true }, JOB_B)).toEqual({
      uploadUrl: null,
      supersedes: null,
    });
  });

  it('an unreadable file supersedes nothing, and neither does one without an earlier hash', () => {
    expect(reanalysed(before, { contentHash: null, readable: false }, JOB_A).supersedes).toBeNull();
    const unhashed = { ...before, hash: null };
    expect(reanalysed(unhashed, { contentHash: 'h', readable: true }, JOB_A).supersedes).toBeNull();
  });
});
