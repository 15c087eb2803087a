import { describe, expect, it } from 'vitest';
import type { JobStatusResponse } from '../schemas/index.js';
import { continueJob, type ContinuePorts } from './continue-job.js';
import type { DeliveryFile, FileChange } from './job-delivery.js';
import { jobStatus } from './test-job-status.js';

// A resumed run asking a fake server about its journal's job: the server answers its status
// (or 404), and takes failed uploads back when asked.

const JOB = '00000000-0000-4000-8000-000000000001';

class Gone extends Error {}

const status = (patch: Partial<JobStatusResponse> = {}) => jobStatus(JOB, patch);

/** A server whose job answers `answer` (an error is thrown), and a journal of one failed file. */
function fake(answer: JobStatusResponse | Error, retryAnswer: Error | null = null) {
  const retries: string[] = [];
  const changes: [string, FileChange][] = [];
  const failed: DeliveryFile = { stage: 'failed', entryId: 'entry-1', uploadUrl: null };
  const ports: ContinuePorts = {
    status: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
    retry: (jobId) => {
      retries.push(jobId);
      if (retryAnswer) return Promise.reject(retryAnswer);
      return Promise.resolve({
        retried: [{ entry_id: 'entry-1', path: 'Kick.wav' }],
        job: status(),
      });
    },
    isGone: (error) => error instanceof Gone,
  };
  const journal = {
    file: (key: string) => (key === 'Kick.wav' ? failed : undefined),
    record: (key: string, change: FileChange) => changes.push([key, change]),
  };
  return { ports, journal, retries, changes };
}

describe('continueJob: the one place a resumed run asks the server about its job', () => {
  it('goes on with an open job as the server describes it', async () => {
    const { ports, journal, retries } = fake(status({ manifest_closed: true }));
    const { job, status: seen } = await continueJob(ports, JOB, journal, { retryFailed: true });
    expect(job).toEqual({ jobId: JOB, manifestClosed: true, retryFailed: false });
    expect(seen?.manifest_closed).toBe(true);
    expect(retries, 'nothing failed: nothing to take back').toEqual([]);
  });

  it('has the job take its failed uploads back when asked (the CLI), recorded as waiting', async () => {
    const totals = { ...status().totals, failed: 1 };
    const { ports, journal, retries, changes } = fake(status({ totals }));
    await continueJob(ports, JOB, journal, { retryFailed: true });
    expect(retries).toEqual([JOB]);
    expect(changes).toEqual([
      ['Kick.wav', { stage: 'pending_upload', entryId: 'entry-1', reason: null, uploadUrl: null }],
    ]);
  });

  it('leaves failed uploads failed when not asked (the wizard retries them with a button)', async () => {
    const totals = { ...status().totals, failed: 1 };
    const { ports, journal, retries } = fake(status({ totals }));
    const { job } = await continueJob(ports, JOB, journal, { retryFailed: false });
    expect(job?.retryFailed).toBe(true);
    expect(retries).toEqual([]);
  });

  it('does not continue a job that ended, or one the server no longer knows', async () => {
    for (const ended of ['completed', 'failed', 'cancelled'] as const) {
      const { ports, journal } = fake(status({ status: ended }));
      const { job, status: seen } = await continueJob(ports, JOB, journal, { retryFailed: true });
      expect(job).toBeNull();
      expect(seen?.status).toBe(ended);
    }
    const { ports, journal } = fake(new Gone('404'));
    expect(await continueJob(ports, JOB, journal, { retryFailed: true })).toEqual({
      job: null,
      status: null,
    });
  });

  it('does not continue a job gone between its status and the retry', async () => {
    const totals = { ...status().totals, failed: 1 };
    const { ports, journal } = fake(status({ totals }), new Gone('404'));
    const { job } = await continueJob(ports, JOB, journal, { retryFailed: true });
    expect(job).toBeNull();
  });

  it('throws what is not a missing job (a refused token, a server down through its retries)', async () => {
    const { ports, journal } = fake(new Error('503 server busy'));
    await expect(continueJob(ports, JOB, journal, { retryFailed: true })).rejects.toThrow('503');
  });
});
