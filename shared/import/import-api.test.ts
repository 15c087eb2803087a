import { describe, expect, it } from 'vitest';
import type { JobStatusResponse } from '../schemas/index.js';
import { callsThrough, type ImportApi } from './import-api.js';
import { jobStatus } from './test-job-status.js';

const JOB = '00000000-0000-4000-8000-000000000001';

describe('callsThrough', () => {
  it('makes each call that answers once through the policy, and follows as the API does', async () => {
    const calls: string[] = [];
    const api = {
      init: () => Promise.resolve(JOB),
      status: (jobId: string) => Promise.resolve(jobStatus(jobId)),
      follow: () => ({ close: () => void calls.push('closed') }),
    } as unknown as ImportApi;
    let through = 0;
    const wrapped = callsThrough(api, async (call) => {
      through++;
      return call();
    });
    expect(await wrapped.init('skip', 'test')).toBe(JOB);
    const status: JobStatusResponse = await wrapped.status(JOB);
    expect(status.job_id).toBe(JOB);
    expect(through).toBe(2);
    await wrapped.follow(JOB, () => undefined).close();
    expect(through).toBe(2);
    expect(calls).toEqual(['closed']);
  });

  it('hands the policy a call it can make again (a retry)', async () => {
    let tries = 0;
    const api = {
      status: (jobId: string) =>
        ++tries < 3 ? Promise.reject(new Error('down')) : Promise.resolve(jobStatus(jobId)),
    } as unknown as ImportApi;
    const wrapped = callsThrough(api, async (call) => {
      for (;;) {
        try {
          return await call();
        } catch {
          // tried again at once
        }
      }
    });
    expect((await wrapped.status(JOB)).job_id).toBe(JOB);
    expect(tries).toBe(3);
  });
});
