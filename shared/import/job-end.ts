import type { JobStatusResponse } from '../schemas/index.js';
import { IMPORT_POLICY } from './policy.js';
import { jobIsOpen } from './resume-plan.js';

export interface JobEndOptions {
  /** Once true, the wait ends without the job's end (the job goes on without the importer). */
  stopped: () => boolean;
  /** Between two status calls (ms; IMPORT_POLICY.statusPollMs by default). */
  pollMs?: number;
  /** How to wait (a timer by default; tests give a fake). */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Follows a job the server runs by itself (a bucket import) to its end: its status asked every
 * `pollMs` until it no longer takes work (jobIsOpen); its live feed, which only shows progress,
 * is the importer's. Resolves with the final status, or null once `stopped` (checked before
 * each call).
 * @throws what the status call threw.
 */
export async function awaitJobEnd(
  status: (jobId: string) => Promise<JobStatusResponse>,
  jobId: string,
  options: JobEndOptions,
): Promise<JobStatusResponse | null> {
  const pollMs = options.pollMs ?? IMPORT_POLICY.statusPollMs;
  for (;;) {
    if (options.stopped()) return null;
    const now = await status(jobId);
    if (!jobIsOpen(now.status)) return now;
    await (options.sleep ?? sleepFor)(pollMs);
  }
}
