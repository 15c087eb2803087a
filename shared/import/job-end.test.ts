import { describe, expect, it } from 'vitest';
import type { JobStatusResponse } from '../schemas/index.js';
import { awaitJobEnd } from './job-end.js';
import { IMPORT_POLICY } from './policy.js';
import { jobStatus } from './test-job-status.js';

const JOB = '00000000-0000-4000-8000-000000000001';

/** A server whose job answers these statuses in turn, and the waits between the calls. */
function fakeServer(...answers: JobStatusResponse['status'][]) {
  const calls: string[] = [];
  const waits: number[] = [];
  const status = (jobId: string) => {
    calls.push(jobId);
    return Promise.resolve(jobStatus(jobId, { status: answers[calls.length - 1]! }));
  };
  const sleep = (ms: number) => (waits.push(ms), Promise.resolve());
  return { status, sleep, calls, waits };
}

describe('awaitJobEnd: a job the server runs by itself followed to its end', () => {
  it('asks its status until it ends, waiting the policy’s interval between calls', async () => {
    const server = fakeServer('queued', 'running', 'running', 'completed');
    const final = await awaitJobEnd(server.status, JOB, {
      stopped: () => false,
      sleep: server.sleep,
    });
    expect(final?.status).toBe('completed');
    expect(server.calls).toEqual([JOB, JOB, JOB, JOB]);
    expect(server.waits).toEqual([1, 2, 3].map(() => IMPORT_POLICY.statusPollMs));
  });

  it.each(['failed', 'cancelled'] as const)('a job %s has ended too', async (end) => {
    const server = fakeServer('running', end);
    const final = await awaitJobEnd(server.status, JOB, {
      stopped: () => false,
      sleep: server.sleep,
    });
    expect(final?.status).toBe(end);
  });

  it('once stopped: no more calls, and no final status (the job goes on)', async () => {
    const server = fakeServer('running', 'running', 'running', 'completed');
    let stop = false;
    const final = await awaitJobEnd(server.status, JOB, {
      stopped: () => stop,
      pollMs: 5,
      sleep: (ms) => {
        if (server.waits.push(ms) === 2) stop = true;
        return Promise.resolve();
      },
    });
    expect(final).toBeNull();
    expect(server.calls).toHaveLength(2);
    expect(server.waits).toEqual([5, 5]);
  });
});
