import type { JobStatusResponse } from '../schemas/index.js';
import { continueJob, type ContinueOptions, type ContinuePorts } from './continue-job.js';
import { deliverPlan, type PlanPorts } from './deliver-plan.js';
import type { DeliveryJournal, JobDelivery } from './job-delivery.js';
import {
  planResume,
  type RecordedFile,
  type ResumeOptions,
  type ResumePlan,
  type ResumeTarget,
} from './resume-plan.js';
import type { ImportStage } from './stages.js';

/** The journal as a resumed run reads it: every file it records, and how to start one afresh. */
export interface ResumeJournal extends DeliveryJournal {
  /** The keys of every file it records, in its order (scan order, discovery order). */
  keys(): Iterable<string>;
  /** A file as a resumed run reads it (resumeAction); undefined when none is recorded. */
  recorded(key: string): RecordedFile | undefined;
  /**
   * The file's entry is to go afresh to a new job: its entry id and its upload forgotten (its
   * next upload starts from 0), its stage `analysed` again, its entry not answered. A reset,
   * not a move of the stage machine: only a job that takes nothing more asks for it.
   */
  restart(key: string): void;
}

/** How an importer resumes a run (resumeAction, continueJob), and what it keeps of a completed job. */
export interface RunResumeOptions extends ResumeOptions, ContinueOptions {
  /**
   * Whether a job that completed while no run was on is still the run's job. The wizard's is:
   * the job took every file, and its store hears how each ended from the job's live feed. The
   * CLI's is not: the files of a completed job are an earlier job's (`earlier`), the rest go to
   * a new one.
   */
  keepCompleted: boolean;
}

/** What a resumed run goes on with, once the server was asked about the journal's job. */
export interface ReconciledRun {
  /** The job the run continues (jobId null: whatever is sent goes to a new job). */
  target: ResumeTarget;
  /** The server's status of the journal's job; null when it had none or the server lost it. */
  status: JobStatusResponse | null;
  /** Whether an open job goes on (continueJob): the importer tells its user it continues it. */
  continued: boolean;
  /** The files the journal's job waited for that were started afresh for the next job. */
  restarted: string[];
}

/** Stages of a file whose job waited for it (its entry to answer, its bytes to take). */
const WAITING: readonly ImportStage[] = ['analysed', 'pending_upload', 'uploading'];

/**
 * The one place a resumed run (the CLI run again, the wizard reopened) is reconciled with the
 * server: asks about the job its journal names (`jobId`; null: none, or one the importer knows
 * ended) through continueJob. An open job goes on as the server describes it (its failed
 * uploads taken back first when `retryFailed`), and so does a completed one when
 * `keepCompleted`. Any other (gone, failed, cancelled, or completed for an importer that does
 * not keep it) takes nothing more: the files it still waited for are started afresh
 * (journal.restart), to go to a new job with a new entry and a new upload.
 */
export async function reconcileRun(
  ports: ContinuePorts,
  jobId: string | null,
  journal: ResumeJournal,
  options: RunResumeOptions,
): Promise<ReconciledRun> {
  const none = { jobId: null, manifestClosed: false };
  if (!jobId) return { target: none, status: null, continued: false, restarted: [] };
  const { job, status } = await continueJob(ports, jobId, journal, options);
  if (job) {
    const target = { jobId, manifestClosed: job.manifestClosed };
    return { target, status, continued: true, restarted: [] };
  }
  if (options.keepCompleted && status?.status === 'completed') {
    const target = { jobId, manifestClosed: status.manifest_closed };
    return { target, status, continued: false, restarted: [] };
  }
  const restarted: string[] = [];
  for (const key of journal.keys()) {
    const file = journal.recorded(key);
    if (file && file.jobId === jobId && WAITING.includes(file.stage)) {
      journal.restart(key);
      restarted.push(key);
    }
  }
  return { target: none, status, continued: false, restarted };
}

/** What the importer gives a resumed delivery besides the plan's ports. */
export interface ResumedDeliveryPorts extends PlanPorts {
  /** The manifest order of the entries to send (copiesTogether); the journal's order when left out. */
  order?(send: readonly string[]): string[];
}

/**
 * Delivers what the journal leaves to do for `target` (planResume over every file it records,
 * then deliverPlan): the uploads the job waits for first, then the entries to send, in the
 * importer's manifest order. Resolves with the plan once every upload has ended or the
 * delivery was stopped.
 * @throws what making the job, an ingest call or an upload threw.
 */
export async function deliverResumed(
  delivery: JobDelivery,
  journal: ResumeJournal,
  target: ResumeTarget,
  options: ResumeOptions,
  ports: ResumedDeliveryPorts,
): Promise<ResumePlan<string>> {
  const plan = planResume(
    [...journal.keys()].map((key) => [key, journal.recorded(key)] as const),
    target,
    options,
  );
  const send = ports.order ? ports.order(plan.send) : plan.send;
  await deliverPlan(delivery, { ...plan, send }, target, ports);
  return { ...plan, send };
}
