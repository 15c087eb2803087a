import { describe, expect, it } from 'vitest';
import { fakeUpload, type FakeUpload } from '../../testing/fake-upload.js';
import { ingestAnswer } from '../../testing/ingest-answers.js';
import type { JobStatusResponse, ManifestEntry } from '../schemas/index.js';
import type { ContinuePorts } from './continue-job.js';
import { JobDelivery, type FileChange } from './job-delivery.js';
import type { RecordedFile } from './resume-plan.js';
import {
  deliverResumed,
  reconcileRun,
  type ResumeJournal,
  type RunResumeOptions,
} from './resume-run.js';
import type { ImportStage } from './stages.js';
import { jobStatus } from './test-job-status.js';

// A resumed run reconciled with a fake server, over a journal kept in a Map: the job the
// journal names open (manifest open or closed), completed, failed or gone, for the CLI's
// options and the wizard's.

const JOB = '00000000-0000-4000-8000-000000000001';
const NEW_JOB = '00000000-0000-4000-8000-000000000002';

const CLI: RunResumeOptions = { resendAnswered: true, retryFailed: true, keepCompleted: false };
const WIZARD: RunResumeOptions = { resendAnswered: false, retryFailed: false, keepCompleted: true };

class Gone extends Error {}

interface JournalFile {
  stage: ImportStage;
  jobId: string | null;
  entryId: string | null;
  uploadUrl: string | null;
}

/** A journal of these files (a file with an entry id was answered), and what happened to it. */
function fakeJournal(files: Record<string, JournalFile>) {
  const map = new Map(Object.entries(files));
  const changes: [string, FileChange][] = [];
  const restarts: string[] = [];
  const journal: ResumeJournal = {
    file: (key) => map.get(key),
    record: (key, change) => {
      changes.push([key, change]);
      const before = map.get(key)!;
      map.set(key, {
        ...before,
        stage: change.stage ?? before.stage,
        entryId: change.entryId !== undefined ? change.entryId : before.entryId,
        uploadUrl: change.uploadUrl !== undefined ? change.uploadUrl : before.uploadUrl,
      });
    },
    keys: () => map.keys(),
    recorded: (key): RecordedFile | undefined => {
      const file = map.get(key);
      return (
        file && {
          stage: file.stage,
          jobId: file.jobId,
          entryId: file.entryId,
          entry: file.stage === 'discovered' ? 'none' : 'readable',
          answered: file.entryId !== null,
        }
      );
    },
    restart: (key) => {
      restarts.push(key);
      map.set(key, { ...map.get(key)!, stage: 'analysed', entryId: null, uploadUrl: null });
    },
  };
  return { journal, map, changes, restarts };
}

/** A server whose job answers `answer` (an error: thrown), and counts the retries asked. */
function fakeServer(answer: JobStatusResponse | Error) {
  const retries: string[] = [];
  const ports: ContinuePorts = {
    status: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
    retry: (jobId) => {
      retries.push(jobId);
      return Promise.resolve({
        retried: [{ entry_id: 'e-failed', path: 'failed.wav' }],
        job: jobStatus(jobId),
      });
    },
    isGone: (error) => error instanceof Gone,
  };
  return { ports, retries };
}

/** Files of job JOB at each stage a run can leave them in. */
const atEveryStage = (): Record<string, JournalFile> => ({
  'stored.wav': { stage: 'done', jobId: JOB, entryId: 'e-stored', uploadUrl: 'http://u/s' },
  'copy.wav': { stage: 'duplicate', jobId: JOB, entryId: 'e-copy', uploadUrl: null },
  'sent.wav': { stage: 'analysed', jobId: JOB, entryId: null, uploadUrl: null },
  'waiting.wav': { stage: 'pending_upload', jobId: JOB, entryId: 'e-wait', uploadUrl: null },
  'cut.wav': { stage: 'uploading', jobId: JOB, entryId: 'e-cut', uploadUrl: 'http://u/c' },
  'failed.wav': { stage: 'failed', jobId: JOB, entryId: 'e-failed', uploadUrl: 'http://u/f' },
  'new.wav': { stage: 'discovered', jobId: null, entryId: null, uploadUrl: null },
});

describe('reconcileRun: the one place a resumed run is reconciled with the server', () => {
  it('without a job in the journal asks nothing: whatever is sent goes to a new job', async () => {
    const { journal, restarts } = fakeJournal(atEveryStage());
    const ports = { ...fakeServer(new Error('not asked')).ports };
    const run = await reconcileRun(ports, null, journal, CLI);
    expect(run).toEqual({
      target: { jobId: null, manifestClosed: false },
      status: null,
      continued: false,
      restarted: [],
    });
    expect(restarts).toEqual([]);
  });

  it('an open job goes on as the server describes it, its manifest open', async () => {
    const { journal, restarts } = fakeJournal(atEveryStage());
    const { ports } = fakeServer(jobStatus(JOB));
    const run = await reconcileRun(ports, JOB, journal, WIZARD);
    expect(run.target).toEqual({ jobId: JOB, manifestClosed: false });
    expect(run.continued).toBe(true);
    expect(restarts, 'nothing starts afresh in a job that goes on').toEqual([]);
  });

  it('an open job whose manifest was closed goes on with its uploads only', async () => {
    const { journal } = fakeJournal(atEveryStage());
    const { ports } = fakeServer(jobStatus(JOB, { manifest_closed: true }));
    const run = await reconcileRun(ports, JOB, journal, CLI);
    expect(run.target).toEqual({ jobId: JOB, manifestClosed: true });
  });

  it('the CLI has the job take its failed uploads back first; the wizard leaves them to its button', async () => {
    const failed = jobStatus(JOB, { totals: { ...jobStatus(JOB).totals, failed: 1 } });
    const cli = fakeJournal(atEveryStage());
    const cliServer = fakeServer(failed);
    await reconcileRun(cliServer.ports, JOB, cli.journal, CLI);
    expect(cliServer.retries).toEqual([JOB]);
    expect(cli.map.get('failed.wav')!.stage, 'waiting for its bytes again').toBe('pending_upload');

    const wizard = fakeJournal(atEveryStage());
    const wizardServer = fakeServer(failed);
    await reconcileRun(wizardServer.ports, JOB, wizard.journal, WIZARD);
    expect(wizardServer.retries).toEqual([]);
    expect(wizard.map.get('failed.wav')!.stage).toBe('failed');
  });

  it.each([
    ['gone', new Gone('404')],
    ['failed', jobStatus(JOB, { status: 'failed' })],
    ['cancelled', jobStatus(JOB, { status: 'cancelled' })],
  ] as const)(
    'a job %s meanwhile takes nothing more: the files it waited for start afresh',
    async (_, answer) => {
      for (const options of [CLI, WIZARD]) {
        const { journal, map, restarts } = fakeJournal(atEveryStage());
        const run = await reconcileRun(fakeServer(answer).ports, JOB, journal, options);
        expect(run.target).toEqual({ jobId: null, manifestClosed: false });
        expect(run.continued).toBe(false);
        expect(run.status).toEqual(answer instanceof Error ? null : answer);
        expect(restarts).toEqual(['sent.wav', 'waiting.wav', 'cut.wav']);
        expect(run.restarted).toEqual(restarts);
        expect(map.get('cut.wav')).toEqual({
          stage: 'analysed',
          jobId: JOB,
          entryId: null,
          uploadUrl: null,
        });
        expect(map.get('stored.wav')!.stage, 'what it stored stays stored').toBe('done');
        expect(map.get('failed.wav')!.stage).toBe('failed');
      }
    },
  );

  it('a completed job stays the wizard’s (its live feed tells the ends), not the CLI’s', async () => {
    const completed = jobStatus(JOB, { status: 'completed', manifest_closed: true });
    const wizard = fakeJournal(atEveryStage());
    const kept = await reconcileRun(fakeServer(completed).ports, JOB, wizard.journal, WIZARD);
    expect(kept.target).toEqual({ jobId: JOB, manifestClosed: true });
    expect(kept.continued).toBe(false);
    expect(wizard.restarts).toEqual([]);

    const cli = fakeJournal(atEveryStage());
    const left = await reconcileRun(fakeServer(completed).ports, JOB, cli.journal, CLI);
    expect(left.target).toEqual({ jobId: null, manifestClosed: false });
    expect(cli.restarts).toEqual(['sent.wav', 'waiting.wav', 'cut.wav']);
  });

  it('only the files of the journal’s job start afresh, not those of an earlier one', async () => {
    const { journal, restarts } = fakeJournal({
      'old.wav': { stage: 'pending_upload', jobId: NEW_JOB, entryId: 'e-old', uploadUrl: null },
      'mine.wav': { stage: 'pending_upload', jobId: JOB, entryId: 'e-mine', uploadUrl: null },
    });
    await reconcileRun(fakeServer(new Gone()).ports, JOB, journal, CLI);
    expect(restarts).toEqual(['mine.wav']);
  });

  it('an error other than a gone job is thrown, and nothing starts afresh', async () => {
    const { journal, restarts } = fakeJournal(atEveryStage());
    const ports = fakeServer(new Error('server down')).ports;
    await expect(reconcileRun(ports, JOB, journal, CLI)).rejects.toThrow('server down');
    expect(restarts).toEqual([]);
  });
});

describe('deliverResumed: what the journal leaves to do, delivered', () => {
  /** A delivery over the journal, against a server that wants every file's bytes. */
  function fakeDelivery(journal: ResumeJournal) {
    const calls: { jobId: string; paths: string[]; last: boolean }[] = [];
    const uploads: FakeUpload[] = [];
    const delivery = new JobDelivery(
      {
        ...journal,
        entries: (keys) => keys.map((path) => ({ path }) as ManifestEntry),
        api: {
          ingest: (jobId, sent, last) => {
            calls.push({ jobId, paths: sent.map((e) => e.path), last });
            return Promise.resolve(ingestAnswer(jobId, sent, () => ({})));
          },
        },
        open: () => Promise.resolve({ input: new Blob([new Uint8Array(4)]), size: 4 }),
        endpoint: 'http://server/api/v1/uploads',
        upload: (options) => fakeUpload(uploads, options.entryId, options),
      },
      { parallel: 4, batch: 10 },
    );
    return { delivery, calls, uploads };
  }
  const DONE = { ok: true, state: 'done', reason: null, status: null } as const;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('a job gone meanwhile: its waiting files go afresh to the new job, in the importer’s order', async () => {
    const { journal, map } = fakeJournal(atEveryStage());
    map.delete('new.wav');
    map.delete('failed.wav'); // (an earlier job's failed file is sent again too: resumeAction)
    const { target } = await reconcileRun(fakeServer(new Gone()).ports, JOB, journal, CLI);
    const { delivery, calls, uploads } = fakeDelivery(journal);
    const made: string[] = [];
    const done = deliverResumed(delivery, journal, target, CLI, {
      job: () => (made.push(NEW_JOB), Promise.resolve(NEW_JOB)),
      order: (send) => [...send].reverse(),
    });
    await settle();
    expect(made).toEqual([NEW_JOB]);
    expect(calls).toEqual([
      { jobId: NEW_JOB, paths: ['cut.wav', 'waiting.wav', 'sent.wav'], last: true },
    ]);
    expect(
      uploads.map((u) => u.uploadUrl),
      'new uploads: the gone job’s URL is not resumed',
    ).toEqual([null, null, null]);
    for (const upload of uploads) upload.finish(DONE);
    const plan = await done;
    expect(plan.send).toEqual(['cut.wav', 'waiting.wav', 'sent.wav']);
    expect(plan.earlier).toEqual(['stored.wav', 'copy.wav']);
    expect(map.get('cut.wav')!.stage).toBe('done');
  });

  it('a job with its manifest closed: only its waiting uploads, resumed from their URLs, no ingest call', async () => {
    const { journal, map } = fakeJournal(atEveryStage());
    map.delete('new.wav');
    map.delete('sent.wav');
    const status = jobStatus(JOB, { manifest_closed: true });
    const { target } = await reconcileRun(fakeServer(status).ports, JOB, journal, CLI);
    const { delivery, calls, uploads } = fakeDelivery(journal);
    const done = deliverResumed(delivery, journal, target, CLI, {
      job: () => Promise.reject(new Error('no job is to be made')),
    });
    await settle();
    expect(uploads.map((u) => [u.key, u.uploadUrl])).toEqual([
      ['e-wait', null],
      ['e-cut', 'http://u/c'],
    ]);
    for (const upload of uploads) upload.finish(DONE);
    const plan = await done;
    expect(calls).toEqual([]);
    expect(plan.upload).toEqual(['waiting.wav', 'cut.wav']);
    expect(plan.ended).toEqual(['stored.wav', 'copy.wav', 'failed.wav']);
  });

  it('an open manifest: the CLI sends its answered entries again, the wizard only those never answered', async () => {
    const files = (): Record<string, JournalFile> => ({
      'sent.wav': { stage: 'analysed', jobId: JOB, entryId: null, uploadUrl: null },
      'waiting.wav': { stage: 'pending_upload', jobId: JOB, entryId: 'e-wait', uploadUrl: null },
    });
    const sent: Record<string, string[]> = {};
    for (const [name, options] of [
      ['cli', CLI],
      ['wizard', WIZARD],
    ] as const) {
      const { journal } = fakeJournal(files());
      const { target } = await reconcileRun(
        fakeServer(jobStatus(JOB)).ports,
        JOB,
        journal,
        options,
      );
      const { delivery, calls, uploads } = fakeDelivery(journal);
      const done = deliverResumed(delivery, journal, target, options, {
        job: () => Promise.resolve(JOB),
      });
      await settle();
      for (const upload of uploads) upload.finish(DONE);
      await done;
      sent[name] = calls.flatMap((c) => c.paths);
    }
    expect(sent).toEqual({ cli: ['sent.wav', 'waiting.wav'], wizard: ['sent.wav'] });
  });
});
