import type { JobStatusResponse } from '../schemas/index.js';
import type { ImportApi } from './import-api.js';
import { retryFailed, type DeliveryJournal } from './job-delivery.js';
import { continuedJob, type ContinuedJob } from './resume-plan.js';

/** What a resumed run needs of the server to decide about the job its journal names. */
export interface ContinuePorts extends Pick<ImportApi, 'status' | 'retry'> {
  /** Whether a call failed because the server does not know the job (404 over REST, NOT_FOUND over tRPC). */
  isGone(error: unknown): boolean;
}

export interface ContinueOptions {
  /**
   * Whether the job takes its failed uploads back before the run goes on. The CLI does: running
   * the same command again is how its user retries. The wizard does not: its user retries
   * failed files with a button of the summary.
   */
  retryFailed: boolean;
}

/** The answer: the job to go on with (null: what is left goes to a new job), and its status. */
export interface JobToContinue {
  job: ContinuedJob | null;
  status: JobStatusResponse | null;
}

/**
 * The one place a resumed run (the CLI run again, the wizard reopened) asks the server about
 * the job its journal names before it goes on (continuedJob): an open job is continued as the
 * server describes it (its manifest closed or not), its failed uploads taken back first when
 * asked (and recorded as waiting again); a job gone, completed, failed or cancelled is not
 * continued.
 */
export async function continueJob(
  ports: ContinuePorts,
  jobId: string,
  journal: DeliveryJournal,
  options: ContinueOptions,
): Promise<JobToContinue> {
  try {
    const status = await ports.status(jobId);
    const job = continuedJob(status);
    if (job && options.retryFailed && job.retryFailed) await retryFailed(ports, jobId, journal);
    return { job, status };
  } catch (error) {
    // Gone before the status, or between the status and the retry.
    if (ports.isGone(error)) return { job: null, status: null };
    throw error;
  }
}
